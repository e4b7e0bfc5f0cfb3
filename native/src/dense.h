// The two dense-layer pieces of a training step that TF.js' wasm backend does slowly:
// matrix products with transposed operands and bias gradients (column sums).
#pragma once

#include <cstdint>

namespace convlens {

/**
 * C[b] = op(A[b]) · op(B[b]) for row-major float32 matrices; op transposes when asked.
 * A batch of 1 on either side is broadcast against the other's batch.
 */
struct MatMulGeometry {
  int32_t batchA, batchB, m, n, k, transposeA, transposeB;
};
constexpr int kMatMulGeometryFields = 7;

void batchMatMul(const MatMulGeometry& g, const float* a, const float* b, float* c);

/** out[c] = sum over rows of x[row, c]: a bias gradient (x is [rows, cols]). Accumulates in double. */
void sumRows(int64_t rows, int64_t cols, const float* x, float* out);

}  // namespace convlens
