// Convolution kernels on oneDNN for TF.js tensors that live in the wasm backend's heap:
// NHWC activations, HWIO filters (TF.js' layouts), float32.
#pragma once

#include <cstdint>

namespace convlens {

/** One 2-D convolution, as TF.js' computeConv2DInfo describes it (explicit pads). */
struct ConvGeometry {
  int32_t batch, inHeight, inWidth, inChannels;
  int32_t outHeight, outWidth, outChannels;
  int32_t filterHeight, filterWidth;
  int32_t strideHeight, strideWidth;
  int32_t dilationHeight, dilationWidth;
  int32_t padTop, padLeft, padBottom, padRight;
};

constexpr int kConvGeometryFields = 17;

int64_t inputElements(const ConvGeometry& g);
int64_t outputElements(const ConvGeometry& g);
int64_t filterElements(const ConvGeometry& g);

/** y = conv(x, w) */
void convForward(const ConvGeometry& g, const float* x, const float* w, float* y);
/** dx = dL/dx from dy = dL/dy and w */
void convBackwardData(const ConvGeometry& g, const float* dy, const float* w, float* dx);
/** dw = dL/dw from x and dy */
void convBackwardWeights(const ConvGeometry& g, const float* x, const float* dy, float* dw);

}  // namespace convlens
