# BROKEN ON PURPOSE: a functional residual connection adding tensors of different shapes.
#
# Shapes: inputs 32x32x3
#   x        = Conv2D(16, 3)  with the default padding="valid" -> 30x30x16
#   shortcut = Conv2D(16, 1)  -> 32x32x16
#   layers.add([x, shortcut]): 30x30x16 vs 32x32x16 cannot be added (Keras raises a
#   ValueError: "Inputs have incompatible shapes"). ConvLens should report the add and
#   suggest padding="same" on the 3x3 convolution.
import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(16, 3, activation="relu")(inputs)
shortcut = layers.Conv2D(16, 1)(inputs)
x = layers.add([x, shortcut])
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs)

model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
