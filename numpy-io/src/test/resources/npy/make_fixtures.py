"""Fixtures for the numpy-io tests, made with NumPy. Rerun: python3 make_fixtures.py (in this folder).

Valid arrays hold arange values so a test can check any element without a table:
  2-d (3, 4): element (i, j) == 4*i + j;  3-d (2, 3, 4): C-order flat index == value;  b1: value % 2 == 0.
"""
import io, os, struct, zipfile
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)

def save(name, arr, version=None):
    with open(name, "wb") as f:
        np.lib.format.write_array(f, arr, version=version, allow_pickle=True)

base = np.arange(12).reshape(3, 4)
for code in ["f4", "f8", "i4", "i8"]:
    for order, tag in (("<", "le"), (">", "be")):
        save(f"c_{code}_{tag}.npy", base.astype(order + code))
save("c_u1.npy", base.astype("u1"))
save("c_b1.npy", (base % 2 == 0))
save("f_f8_le.npy", np.asfortranarray(base.astype("<f8")))
save("f_f4_be_3d.npy", np.asfortranarray(np.arange(24).reshape(2, 3, 4).astype(">f4")))
save("f_f8_1d.npy", np.asfortranarray(np.arange(5.0)))
for v in (1, 2, 3):
    save(f"v{v}_f8.npy", base.astype("<f8"), version=(v, 0))
save("zero_d.npy", np.array(3.5))
save("empty.npy", np.zeros((0, 3)))
np.savez("stored.npz", a=base.astype("<f8"), b=np.arange(5, dtype="<i8"))
np.savez_compressed("deflated.npz", a=base.astype("<f8"), b=np.arange(5, dtype="<i8"))

# bad files
good = open("c_f8_le.npy", "rb").read()
open("bad_magic.npy", "wb").write(b"\x93NUMPX" + good[6:])
open("bad_version.npy", "wb").write(good[:6] + b"\x04\x00" + good[8:])
hdr = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), "  # no closing brace
open("bad_header.npy", "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", 118) + hdr.ljust(117).encode() + b"\n" + good[128:])
save("object.npy", np.array([1, "a"], dtype=object))
save("complex.npy", np.arange(3, dtype=np.complex128))
open("truncated.npy", "wb").write(good[:-8])
hdr = "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"
open("overflow.npy", "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", 118) + hdr.ljust(117).encode() + b"\n")
open("short.npy", "wb").write(b"\x93NUM")
print("fixtures written to", here)
