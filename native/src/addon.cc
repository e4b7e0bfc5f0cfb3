// N-API surface of the ConvLens native kernels. Every function works in place on the TF.js
// wasm backend's heap: the caller passes the heap's ArrayBuffer and byte offsets of tensors
// the backend allocated, so no tensor is copied in or out. Offsets and sizes are checked
// against the heap before any pointer is formed.
#include <node_api.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>
#include <exception>
#include <string>
#include <oneapi/dnnl/dnnl.hpp>

#include "convolution.h"
#include "dense.h"
#include "pooling.h"

namespace {

using convlens::ConvGeometry;
using convlens::PoolGeometry;

struct Failure {
  std::string message;
};

void check(napi_env env, napi_status status, const char* what) {
  if (status != napi_ok) throw Failure{std::string("convlens-native: cannot read ") + what};
}

std::vector<napi_value> arguments(napi_env env, napi_callback_info info, size_t expected) {
  std::vector<napi_value> args(expected);
  size_t count = expected;
  check(env, napi_get_cb_info(env, info, &count, args.data(), nullptr, nullptr), "arguments");
  if (count < expected) throw Failure{"convlens-native: expected " + std::to_string(expected) + " arguments"};
  return args;
}

struct Heap {
  uint8_t* data;
  size_t length;

  float* at(double offset, int64_t elements, const char* what) const {
    if (offset < 0 || elements < 0 || offset + double(elements) * sizeof(float) > double(length) ||
        std::fmod(offset, 4.0) != 0) {
      throw Failure{std::string("convlens-native: ") + what + " lies outside the wasm heap"};
    }
    return reinterpret_cast<float*>(data + size_t(offset));
  }
};

Heap heapOf(napi_env env, napi_value value) {
  Heap heap{};
  void* data = nullptr;
  check(env, napi_get_arraybuffer_info(env, value, &data, &heap.length), "the wasm heap (an ArrayBuffer)");
  heap.data = static_cast<uint8_t*>(data);
  return heap;
}

double numberOf(napi_env env, napi_value value, const char* what) {
  double n = 0;
  check(env, napi_get_value_double(env, value, &n), what);
  return n;
}

/** Reads an Int32Array of exactly `fields` entries into a geometry struct of int32 fields. */
template <typename Geometry>
Geometry geometryOf(napi_env env, napi_value value, int fields) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  check(env, napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr), "the geometry");
  if (type != napi_int32_array || length != size_t(fields)) {
    throw Failure{"convlens-native: the geometry must be an Int32Array of " + std::to_string(fields)};
  }
  Geometry g;
  std::memcpy(&g, data, sizeof(int32_t) * fields);
  const int32_t* all = reinterpret_cast<const int32_t*>(&g);
  for (int i = 0; i < fields; ++i) {
    if (all[i] < 0) throw Failure{"convlens-native: negative size in the geometry"};
  }
  return g;
}

napi_value undefinedValue(napi_env env) {
  napi_value result;
  napi_get_undefined(env, &result);
  return result;
}

/** Runs `body`, turning C++ and oneDNN failures into a JS Error (never crossing N-API). */
template <typename Body>
napi_value guarded(napi_env env, Body body) {
  try {
    return body();
  } catch (const Failure& f) {
    napi_throw_error(env, "ERR_CONVLENS_NATIVE", f.message.c_str());
  } catch (const dnnl::error& e) {
    napi_throw_error(env, "ERR_CONVLENS_NATIVE", (std::string("oneDNN: ") + e.what()).c_str());
  } catch (const std::exception& e) {
    napi_throw_error(env, "ERR_CONVLENS_NATIVE", e.what());
  }
  return nullptr;
}

// conv2d(pass, heap, aOffset, bOffset, outOffset, geometry)
//   pass 0: forward          a = x,  b = filter, out = y
//   pass 1: backward data    a = dy, b = filter, out = dx
//   pass 2: backward filter  a = x,  b = dy,     out = dfilter
napi_value Conv2d(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto args = arguments(env, info, 6);
    const int pass = int(numberOf(env, args[0], "the pass"));
    const Heap heap = heapOf(env, args[1]);
    const ConvGeometry g = geometryOf<ConvGeometry>(env, args[5], convlens::kConvGeometryFields);
    const double a = numberOf(env, args[2], "an offset"), b = numberOf(env, args[3], "an offset"),
                 out = numberOf(env, args[4], "an offset");
    if (pass == 0) {
      convlens::convForward(g, heap.at(a, inputElements(g), "x"), heap.at(b, filterElements(g), "filter"),
                            heap.at(out, outputElements(g), "y"));
    } else if (pass == 1) {
      convlens::convBackwardData(g, heap.at(a, outputElements(g), "dy"), heap.at(b, filterElements(g), "filter"),
                                 heap.at(out, inputElements(g), "dx"));
    } else if (pass == 2) {
      convlens::convBackwardWeights(g, heap.at(a, inputElements(g), "x"), heap.at(b, outputElements(g), "dy"),
                                    heap.at(out, filterElements(g), "dfilter"));
    } else {
      throw Failure{"convlens-native: unknown convolution pass"};
    }
    return undefinedValue(env);
  });
}

// maxPoolGrad(heap, dyOffset, xOffset, dxOffset, geometry)
napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto args = arguments(env, info, 5);
    const Heap heap = heapOf(env, args[0]);
    const PoolGeometry g = geometryOf<PoolGeometry>(env, args[4], convlens::kPoolGeometryFields);
    convlens::maxPoolBackward(g, heap.at(numberOf(env, args[1], "an offset"), poolOutputElements(g), "dy"),
                              heap.at(numberOf(env, args[2], "an offset"), poolInputElements(g), "x"),
                              heap.at(numberOf(env, args[3], "an offset"), poolInputElements(g), "dx"));
    return undefinedValue(env);
  });
}

// batchMatMul(heap, aOffset, bOffset, cOffset, geometry)
napi_value BatchMatMul(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto args = arguments(env, info, 5);
    const Heap heap = heapOf(env, args[0]);
    const auto g = geometryOf<convlens::MatMulGeometry>(env, args[4], convlens::kMatMulGeometryFields);
    const int64_t batch = std::max(g.batchA, g.batchB);
    if ((g.batchA != 1 && g.batchA != batch) || (g.batchB != 1 && g.batchB != batch)) {
      throw Failure{"convlens-native: batch sizes of a matrix product do not broadcast"};
    }
    convlens::batchMatMul(g, heap.at(numberOf(env, args[1], "an offset"), int64_t(g.batchA) * g.m * g.k, "a"),
                          heap.at(numberOf(env, args[2], "an offset"), int64_t(g.batchB) * g.k * g.n, "b"),
                          heap.at(numberOf(env, args[3], "an offset"), batch * g.m * g.n, "c"));
    return undefinedValue(env);
  });
}

// sumRows(heap, xOffset, outOffset, rows, cols)
napi_value SumRows(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto args = arguments(env, info, 5);
    const Heap heap = heapOf(env, args[0]);
    const double rows = numberOf(env, args[3], "the row count"), cols = numberOf(env, args[4], "the column count");
    if (!(rows >= 0 && cols >= 0 && rows == std::floor(rows) && cols == std::floor(cols))) {
      throw Failure{"convlens-native: rows and columns must be whole numbers"};
    }
    convlens::sumRows(int64_t(rows), int64_t(cols), heap.at(numberOf(env, args[1], "an offset"), int64_t(rows * cols), "x"),
                      heap.at(numberOf(env, args[2], "an offset"), int64_t(cols), "out"));
    return undefinedValue(env);
  });
}

// setThreads(n): oneDNN's OpenMP threads for the calling thread; returns the count in effect.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto args = arguments(env, info, 1);
    const int n = int(numberOf(env, args[0], "the thread count"));
    if (n > 0) omp_set_num_threads(n);
    napi_value result;
    napi_create_int32(env, omp_get_max_threads(), &result);
    return result;
  });
}

// info(): { onednn: "2.6.3", threads }
napi_value Info(napi_env env, napi_callback_info) {
  return guarded(env, [&] {
    const dnnl_version_t* v = dnnl_version();
    const std::string version =
        std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
    napi_value result, onednn, threads;
    napi_create_object(env, &result);
    napi_create_string_utf8(env, version.c_str(), NAPI_AUTO_LENGTH, &onednn);
    napi_create_int32(env, omp_get_max_threads(), &threads);
    napi_set_named_property(env, result, "onednn", onednn);
    napi_set_named_property(env, result, "threads", threads);
    return result;
  });
}

}  // namespace

NAPI_MODULE_INIT() {
  const napi_property_descriptor functions[] = {
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolGrad", nullptr, MaxPoolGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchMatMul", nullptr, BatchMatMul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumRows", nullptr, SumRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(functions) / sizeof(functions[0]), functions);
  return exports;
}
