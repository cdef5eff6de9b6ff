package dev.covertree.npy;

/**
 * How to open an array.
 *
 * @param allowCopy when false, a file that cannot be mapped as it is (other byte order, Fortran order,
 *                  a compressed archive entry) is an error instead of being converted into memory
 * @param hint      access hint given to the kernel for mapped data, or null for none
 */
public record NpyReadOptions(boolean allowCopy, AccessHint hint) {
    /** Copies allowed, no hint. */
    public static final NpyReadOptions DEFAULT = new NpyReadOptions(true, null);

    /** The same options, with the given copy rule. */
    public NpyReadOptions withAllowCopy(boolean allow) {
        return new NpyReadOptions(allow, hint);
    }

    /** The same options, with the given access hint. */
    public NpyReadOptions withHint(AccessHint h) {
        return new NpyReadOptions(allowCopy, h);
    }
}
