#include "dense.h"

#include <algorithm>
#include <oneapi/dnnl/dnnl.h>
#include <stdexcept>
#include <vector>

namespace convlens {

void batchMatMul(const MatMulGeometry& g, const float* a, const float* b, float* c) {
  const int32_t batch = std::max(g.batchA, g.batchB);
  const int64_t aSize = int64_t(g.m) * g.k, bSize = int64_t(g.k) * g.n, cSize = int64_t(g.m) * g.n;
  // Row-major leading dimensions: A is [m,k] (or [k,m] transposed), B is [k,n] (or [n,k]).
  const dnnl_dim_t lda = g.transposeA ? g.m : g.k;
  const dnnl_dim_t ldb = g.transposeB ? g.k : g.n;
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0) {  // an empty sum: zeros (sgemm rejects k = 0)
    std::fill(c, c + batch * cSize, 0.0f);
    return;
  }
  for (int32_t i = 0; i < batch; ++i) {
    const float* ai = a + (g.batchA == 1 ? 0 : i * aSize);
    const float* bi = b + (g.batchB == 1 ? 0 : i * bSize);
    const dnnl_status_t status = dnnl_sgemm(g.transposeA ? 'T' : 'N', g.transposeB ? 'T' : 'N', g.m, g.n, g.k, 1.0f,
                                            ai, lda, bi, ldb, 0.0f, c + i * cSize, g.n);
    if (status != dnnl_success) throw std::runtime_error("oneDNN sgemm failed");
  }
}

void sumRows(int64_t rows, int64_t cols, const float* x, float* out) {
  std::vector<double> acc(cols, 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    for (int64_t c = 0; c < cols; ++c) acc[c] += row[c];
  }
  for (int64_t c = 0; c < cols; ++c) out[c] = float(acc[c]);
}

}  // namespace convlens
