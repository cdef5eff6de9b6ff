/**
 * NumPy {@code .npy} and {@code .npz} files as memory segments: read (mapped without a copy when the layout
 * allows), written streaming or through a writable mapping, under a temporary name until complete. Its one
 * package is its API; the native helpers (madvise and fallocate downcalls) are package-private.
 */
module dev.covertree.npy {
    exports dev.covertree.npy;
}
