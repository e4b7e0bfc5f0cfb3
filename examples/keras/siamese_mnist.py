"""A siamese network for MNIST pairs: one embedding tower (a functional model) is applied to
both images of a pair, so its weights are shared, and Keras counts them once (1,794 params in
all, not 1,792 twice)."""
import keras
from keras import layers, ops


def euclidean_distance(vectors):
    a, b = vectors
    squared = ops.sum(ops.square(a - b), axis=1, keepdims=True)
    return ops.sqrt(ops.maximum(squared, keras.backend.epsilon()))


image = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(8, 3, activation="relu")(image)  # (3·3·1 + 1)·8 = 80
x = layers.MaxPooling2D(2)(x)
x = layers.Conv2D(16, 3, activation="relu")(x)  # (3·3·8 + 1)·16 = 1,168
x = layers.GlobalAveragePooling2D()(x)
embedding = layers.Dense(32)(x)  # 16·32 + 32 = 544
tower = keras.Model(image, embedding, name="tower")

left = keras.Input(shape=(28, 28, 1), name="left")
right = keras.Input(shape=(28, 28, 1), name="right")
distance = layers.Lambda(euclidean_distance)([tower(left), tower(right)])
similar = layers.Dense(1, activation="sigmoid")(distance)  # 1·1 + 1 = 2
siamese = keras.Model([left, right], similar, name="siamese")
siamese.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
