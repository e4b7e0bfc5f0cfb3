// Max-pooling gradient: TF's rule, each window's gradient goes to its first maximum
// (row-major scan, strictly greater wins), padded positions never win.
#pragma once

#include <cstdint>

namespace convlens {

struct PoolGeometry {
  int32_t batch, inHeight, inWidth, channels;
  int32_t outHeight, outWidth;
  int32_t filterHeight, filterWidth;
  int32_t strideHeight, strideWidth;
  int32_t padTop, padLeft;
};

constexpr int kPoolGeometryFields = 12;

int64_t poolInputElements(const PoolGeometry& g);
int64_t poolOutputElements(const PoolGeometry& g);

/** dx (NHWC, inHeight x inWidth) from dy (NHWC, outHeight x outWidth) and the forward input x. */
void maxPoolBackward(const PoolGeometry& g, const float* dy, const float* x, float* dx);

}  // namespace convlens
