{
  "targets": [
    {
      "target_name": "convlens_native",
      "sources": ["src/addon.cc", "src/convolution.cc", "src/pooling.cc", "src/dense.cc"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-ldnnl", "-fopenmp"],
      "ldflags": ["-Wl,-rpath,'$$ORIGIN'"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
