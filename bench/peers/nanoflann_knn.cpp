// The fastest exact kd-tree peer of the Euclidean benchmark (bench/euclidean.sh): nanoflann's
// KDTreeSingleIndexAdaptor (Debian's libnanoflann-dev) used the way a careful user would, leaf size 20,
// queries visited in Z-order (neighbouring queries share cache lines), OpenMP threads.
//
//   nanoflann_knn X.npy K THREADS IDS.bin
//
// Reads an (N, d) float64 C-order .npy, finds every point's K nearest other points (self excluded), prints
// the seconds of build + query on stdout and writes the neighbour ids as raw int64, N x K, row-major.
#include <nanoflann.hpp>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

struct Points {
    std::vector<double> x;
    size_t n = 0;
    size_t d = 0;
    size_t kdtree_get_point_count() const { return n; }
    double kdtree_get_pt(size_t i, size_t k) const { return x[i * d + k]; }
    template <class Box> bool kdtree_get_bbox(Box&) const { return false; }
};

static void fail(const std::string& m) {
    std::fprintf(stderr, "nanoflann_knn: %s\n", m.c_str());
    std::exit(2);
}

// A version 1.0 or 2.0 .npy header of a 2-d '<f8' C-order array.
static Points load(const char* path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) fail(std::string(path) + ": cannot open");
    char magic[8];
    f.read(magic, 8);
    if (std::memcmp(magic, "\x93NUMPY", 6) != 0) fail(std::string(path) + ": not a .npy file");
    uint32_t hlen = 0;
    if (magic[6] == 1) {
        uint16_t h;
        f.read(reinterpret_cast<char*>(&h), 2);
        hlen = h;
    } else {
        f.read(reinterpret_cast<char*>(&hlen), 4);
    }
    std::string header(hlen, ' ');
    f.read(&header[0], hlen);
    if (header.find("'<f8'") == std::string::npos || header.find("'fortran_order': False") == std::string::npos)
        fail(std::string(path) + ": expected float64 in C order");
    size_t open = header.find('(');
    Points p;
    if (std::sscanf(header.c_str() + open, "(%zu, %zu)", &p.n, &p.d) != 2) fail(std::string(path) + ": expected a 2-d array");
    p.x.resize(p.n * p.d);
    f.read(reinterpret_cast<char*>(p.x.data()), p.x.size() * 8);
    if (!f) fail(std::string(path) + ": truncated");
    return p;
}

// Morton code of the first (up to) three coordinates, each quantized to 21 bits over the data's box.
static std::vector<uint32_t> zOrder(const Points& p) {
    size_t dims = std::min<size_t>(p.d, 3);
    std::vector<double> lo(dims, INFINITY), hi(dims, -INFINITY);
    for (size_t i = 0; i < p.n; i++)
        for (size_t k = 0; k < dims; k++) {
            lo[k] = std::min(lo[k], p.kdtree_get_pt(i, k));
            hi[k] = std::max(hi[k], p.kdtree_get_pt(i, k));
        }
    std::vector<std::pair<uint64_t, uint32_t>> code(p.n);
    for (size_t i = 0; i < p.n; i++) {
        uint64_t c = 0;
        for (size_t k = 0; k < dims; k++) {
            double w = hi[k] > lo[k] ? (p.kdtree_get_pt(i, k) - lo[k]) / (hi[k] - lo[k]) : 0;
            uint64_t q = std::min<uint64_t>((1u << 21) - 1, (uint64_t)(w * (1u << 21)));
            for (int b = 0; b < 21; b++) c |= ((q >> b) & 1) << (b * dims + k);
        }
        code[i] = {c, (uint32_t)i};
    }
    std::sort(code.begin(), code.end());
    std::vector<uint32_t> order(p.n);
    for (size_t i = 0; i < p.n; i++) order[i] = code[i].second;
    return order;
}

int main(int argc, char** argv) {
    if (argc != 5) fail("usage: nanoflann_knn X.npy K THREADS IDS.bin");
    Points p = load(argv[1]);
    size_t k = std::strtoul(argv[2], nullptr, 10);
    omp_set_num_threads(std::atoi(argv[3]));
    std::vector<uint32_t> order = zOrder(p);  // user-side preparation, outside the timing as the tree's input is
    using Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, Points>, Points, -1, uint32_t>;
    std::vector<int64_t> ids(p.n * k);
    auto t0 = std::chrono::steady_clock::now();
    Tree tree((int)p.d, p, nanoflann::KDTreeSingleIndexAdaptorParams(20));
    tree.buildIndex();
#pragma omp parallel
    {
        std::vector<uint32_t> idx(k + 1);
        std::vector<double> dist(k + 1);
        std::vector<double> q(p.d);
#pragma omp for schedule(dynamic, 1024)
        for (size_t t = 0; t < p.n; t++) {
            uint32_t i = order[t];
            for (size_t c = 0; c < p.d; c++) q[c] = p.kdtree_get_pt(i, c);
            nanoflann::KNNResultSet<double, uint32_t> rs(k + 1);
            rs.init(idx.data(), dist.data());
            tree.findNeighbors(rs, q.data(), nanoflann::SearchParams());
            size_t w = 0;
            for (size_t c = 0; c <= k && w < k; c++)
                if (idx[c] != i) ids[i * k + w++] = idx[c];
        }
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%.4f\n", secs);
    std::ofstream out(argv[4], std::ios::binary);
    out.write(reinterpret_cast<const char*>(ids.data()), ids.size() * 8);
    return 0;
}
