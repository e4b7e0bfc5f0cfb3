#include "convolution.h"

#include <array>
#include <map>
#include <memory>
#include <oneapi/dnnl/dnnl.hpp>

namespace convlens {

using dnnl::memory;
using Tag = memory::format_tag;

int64_t inputElements(const ConvGeometry& g) {
  return int64_t(g.batch) * g.inHeight * g.inWidth * g.inChannels;
}
int64_t outputElements(const ConvGeometry& g) {
  return int64_t(g.batch) * g.outHeight * g.outWidth * g.outChannels;
}
int64_t filterElements(const ConvGeometry& g) {
  return int64_t(g.filterHeight) * g.filterWidth * g.inChannels * g.outChannels;
}

namespace {

enum class Pass { Forward, BackwardData, BackwardWeights };

using Key = std::array<int32_t, kConvGeometryFields + 1>;

Key keyOf(Pass pass, const ConvGeometry& g) {
  Key key;
  key[0] = static_cast<int32_t>(pass);
  const int32_t* fields = &g.batch;
  for (int i = 0; i < kConvGeometryFields; ++i) key[i + 1] = fields[i];
  return key;
}

/** The engine and stream of the calling thread (a training worker has its own). */
struct Context {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
};

Context& context() {
  thread_local Context ctx;
  return ctx;
}

// oneDNN's logical dims are always N,C,H,W (activations) and O,I,H,W (weights); the tags
// say how they sit in memory: TF.js' NHWC and HWIO.
memory::desc activations(int32_t n, int32_t c, int32_t h, int32_t w, Tag tag = Tag::nhwc) {
  return memory::desc({n, c, h, w}, memory::data_type::f32, tag);
}
memory::desc weights(const ConvGeometry& g, Tag tag) {
  return memory::desc({g.outChannels, g.inChannels, g.filterHeight, g.filterWidth}, memory::data_type::f32, tag);
}

dnnl::convolution_forward::primitive_desc forwardHint(const ConvGeometry& g, const dnnl::engine& engine) {
  const memory::dims strides{g.strideHeight, g.strideWidth};
  // oneDNN counts dilation from 0 (no gaps), TF from 1.
  const memory::dims dilations{g.dilationHeight - 1, g.dilationWidth - 1};
  const memory::dims padBefore{g.padTop, g.padLeft};
  const memory::dims padAfter{g.padBottom, g.padRight};
  dnnl::convolution_forward::desc desc(
      dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
      activations(g.batch, g.inChannels, g.inHeight, g.inWidth), weights(g, Tag::any),
      activations(g.batch, g.outChannels, g.outHeight, g.outWidth), strides, dilations, padBefore, padAfter);
  return dnnl::convolution_forward::primitive_desc(desc, engine);
}

/**
 * A ready-to-run pass: the primitive, and the reorder between TF.js' HWIO filter and the
 * blocked layout the primitive chose for it (none when it took HWIO as is).
 */
struct Plan {
  dnnl::primitive primitive;
  memory::desc weightsDesc;           // the primitive's layout of the filter (or its gradient)
  memory::desc userWeightsDesc;       // HWIO
  bool reorderWeights = false;
  std::unique_ptr<float[]> weightsBuffer;  // the filter in the primitive's layout
};

std::unique_ptr<Plan> makePlan(Pass pass, const ConvGeometry& g) {
  Context& ctx = context();
  auto plan = std::make_unique<Plan>();
  plan->userWeightsDesc = weights(g, Tag::hwio);
  const memory::dims strides{g.strideHeight, g.strideWidth};
  const memory::dims dilations{g.dilationHeight - 1, g.dilationWidth - 1};
  const memory::dims padBefore{g.padTop, g.padLeft};
  const memory::dims padAfter{g.padBottom, g.padRight};
  auto hint = forwardHint(g, ctx.engine);
  if (pass == Pass::Forward) {
    plan->primitive = dnnl::convolution_forward(hint);
    plan->weightsDesc = hint.weights_desc();
  } else if (pass == Pass::BackwardData) {
    dnnl::convolution_backward_data::desc desc(
        dnnl::algorithm::convolution_direct, activations(g.batch, g.inChannels, g.inHeight, g.inWidth),
        weights(g, Tag::any), activations(g.batch, g.outChannels, g.outHeight, g.outWidth), strides, dilations,
        padBefore, padAfter);
    dnnl::convolution_backward_data::primitive_desc pd(desc, ctx.engine, hint);
    plan->primitive = dnnl::convolution_backward_data(pd);
    plan->weightsDesc = pd.weights_desc();
  } else {
    dnnl::convolution_backward_weights::desc desc(
        dnnl::algorithm::convolution_direct, activations(g.batch, g.inChannels, g.inHeight, g.inWidth),
        weights(g, Tag::any), activations(g.batch, g.outChannels, g.outHeight, g.outWidth), strides, dilations,
        padBefore, padAfter);
    dnnl::convolution_backward_weights::primitive_desc pd(desc, ctx.engine, hint);
    plan->primitive = dnnl::convolution_backward_weights(pd);
    plan->weightsDesc = pd.diff_weights_desc();
  }
  plan->reorderWeights = plan->weightsDesc != plan->userWeightsDesc;
  if (plan->reorderWeights) {
    plan->weightsBuffer.reset(new float[plan->weightsDesc.get_size() / sizeof(float) + 16]);
  }
  return plan;
}

// Models have a handful of distinct convolutions; the bound only matters for a long-lived
// host that sees many (what-if sizes, many models).
constexpr size_t kMaxPlans = 128;

Plan& planFor(Pass pass, const ConvGeometry& g) {
  thread_local std::map<Key, std::unique_ptr<Plan>> plans;
  const Key key = keyOf(pass, g);
  auto found = plans.find(key);
  if (found != plans.end()) return *found->second;
  if (plans.size() >= kMaxPlans) plans.clear();
  return *(plans[key] = makePlan(pass, g));
}

void reorder(const memory& from, const memory& to) {
  Context& ctx = context();
  dnnl::reorder(from, to).execute(ctx.stream, const_cast<memory&>(from), const_cast<memory&>(to));
}

/** The filter `w` (HWIO) in the layout `plan`'s primitive reads, reordered when they differ. */
memory filterFor(Plan& plan, const float* w) {
  Context& ctx = context();
  memory user(plan.userWeightsDesc, ctx.engine, const_cast<float*>(w));
  if (!plan.reorderWeights) return user;
  memory blocked(plan.weightsDesc, ctx.engine, plan.weightsBuffer.get());
  reorder(user, blocked);
  return blocked;
}

/** NHWC views of the convolution's input side and output side. */
memory inputSide(const ConvGeometry& g, const float* data) {
  return memory(activations(g.batch, g.inChannels, g.inHeight, g.inWidth), context().engine, const_cast<float*>(data));
}
memory outputSide(const ConvGeometry& g, const float* data) {
  return memory(activations(g.batch, g.outChannels, g.outHeight, g.outWidth), context().engine, const_cast<float*>(data));
}

}  // namespace

void convForward(const ConvGeometry& g, const float* x, const float* w, float* y) {
  Context& ctx = context();
  Plan& plan = planFor(Pass::Forward, g);
  plan.primitive.execute(ctx.stream,
                         {{DNNL_ARG_SRC, inputSide(g, x)}, {DNNL_ARG_WEIGHTS, filterFor(plan, w)}, {DNNL_ARG_DST, outputSide(g, y)}});
  ctx.stream.wait();
}

void convBackwardData(const ConvGeometry& g, const float* dy, const float* w, float* dx) {
  Context& ctx = context();
  Plan& plan = planFor(Pass::BackwardData, g);
  plan.primitive.execute(ctx.stream, {{DNNL_ARG_DIFF_DST, outputSide(g, dy)},
                                      {DNNL_ARG_WEIGHTS, filterFor(plan, w)},
                                      {DNNL_ARG_DIFF_SRC, inputSide(g, dx)}});
  ctx.stream.wait();
}

void convBackwardWeights(const ConvGeometry& g, const float* x, const float* dy, float* dw) {
  Context& ctx = context();
  Plan& plan = planFor(Pass::BackwardWeights, g);
  memory user(plan.userWeightsDesc, ctx.engine, dw);
  memory diffWeights = plan.reorderWeights ? memory(plan.weightsDesc, ctx.engine, plan.weightsBuffer.get()) : user;
  plan.primitive.execute(ctx.stream, {{DNNL_ARG_SRC, inputSide(g, x)},
                                      {DNNL_ARG_DIFF_DST, outputSide(g, dy)},
                                      {DNNL_ARG_DIFF_WEIGHTS, diffWeights}});
  if (plan.reorderWeights) reorder(diffWeights, user);
  ctx.stream.wait();
}

}  // namespace convlens
