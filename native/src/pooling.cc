#include "pooling.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

namespace convlens {

int64_t poolInputElements(const PoolGeometry& g) {
  return int64_t(g.batch) * g.inHeight * g.inWidth * g.channels;
}

int64_t poolOutputElements(const PoolGeometry& g) {
  return int64_t(g.batch) * g.outHeight * g.outWidth * g.channels;
}

void maxPoolBackward(const PoolGeometry& g, const float* dy, const float* x, float* dx) {
  std::memset(dx, 0, sizeof(float) * poolInputElements(g));
  const int32_t C = g.channels;
  const int64_t rowStride = int64_t(g.inWidth) * C;
  const int64_t imageStride = int64_t(g.inHeight) * rowStride;
  // Per window, the best value and its offset for every channel. Scanning the window
  // position by position keeps the channel loop contiguous in NHWC memory (and vectorisable).
  // int32 offsets within one image (TF.js tensors are far below 2^31 elements per image).
  std::vector<float> bestStore(C);
  std::vector<int32_t> whereStore(C);
  float* __restrict best = bestStore.data();
  int32_t* __restrict where = whereStore.data();
  for (int32_t b = 0; b < g.batch; ++b) {
    const float* image = x + b * imageStride;
    float* dImage = dx + b * imageStride;
    for (int32_t oy = 0; oy < g.outHeight; ++oy) {
      const int32_t yStart = std::max(oy * g.strideHeight - g.padTop, 0);
      const int32_t yEnd = std::min(oy * g.strideHeight - g.padTop + g.filterHeight, g.inHeight);
      for (int32_t ox = 0; ox < g.outWidth; ++ox) {
        const int32_t xStart = std::max(ox * g.strideWidth - g.padLeft, 0);
        const int32_t xEnd = std::min(ox * g.strideWidth - g.padLeft + g.filterWidth, g.inWidth);
        const float* dyCell = dy + ((int64_t(b) * g.outHeight + oy) * g.outWidth + ox) * C;
        // TF's rule, as the cpu kernel implements it: start below everything (-inf, nowhere);
        // a position wins only when strictly greater, so ties keep the first maximum in
        // row-major order, NaN never wins, an all -inf window sends its gradient nowhere, and
        // padded positions (outside [start, end)) are never looked at.
        for (int32_t c = 0; c < C; ++c) {
          best[c] = -std::numeric_limits<float>::infinity();
          where[c] = -1;
        }
        for (int32_t iy = yStart; iy < yEnd; ++iy) {
          for (int32_t ix = xStart; ix < xEnd; ++ix) {
            const int32_t at = int32_t(iy * rowStride + int64_t(ix) * C);
            const float* __restrict row = image + at;
            for (int32_t c = 0; c < C; ++c) {
              // Written as masks, not ternaries: as branches this mispredicts on real data (5x slower).
              const float v = row[c];
              const int32_t keep = -int32_t(v > best[c]);  // all ones where v wins
              best[c] = v > best[c] ? v : best[c];
              where[c] = (where[c] & ~keep) | ((at + c) & keep);
            }
          }
        }
        for (int32_t c = 0; c < C; ++c) {
          if (where[c] >= 0) dImage[where[c]] += dyCell[c];
        }
      }
    }
  }
}

}  // namespace convlens
