/**
 * NumPy {@code .npy} and {@code .npz} files as memory segments. One package, exported whole; it needs nothing
 * beyond {@code java.base} (its {@code madvise} and {@code posix_fallocate} downcalls, and the plain native views
 * of its file mappings ({@code PlainSegment}), need native access: {@code --enable-native-access=dev.covertree.npy}
 * on the module path; without it the hints are skipped and the mappings are used as they are).
 */
module dev.covertree.npy {
    exports dev.covertree.npy;
}
