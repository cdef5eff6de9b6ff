/**
 * NumPy {@code .npy} and {@code .npz} files as memory segments. One package, exported whole; it needs nothing
 * beyond {@code java.base} (its {@code madvise} and {@code posix_fallocate} downcalls need native access:
 * {@code --enable-native-access=dev.covertree.npy} on the module path).
 */
module dev.covertree.npy {
    exports dev.covertree.npy;
}
