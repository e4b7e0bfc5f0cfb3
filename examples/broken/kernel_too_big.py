# BROKEN ON PURPOSE: a convolution whose kernel is larger than its input.
#
# Shapes: 28x28x1 -conv 3x3-> 26x26x32 -pool-> 13x13x32 -conv 3x3-> 11x11x64 -pool-> 5x5x64
# The last Conv2D has a 7x7 kernel with padding="valid" on a 5x5 input: the output size
# would be 5 - 7 + 1 = -1. Keras raises a ValueError ("negative dimension") when the layer
# is added. ConvLens should report it on the last Conv2D: kernel 7x7 larger than its
# 5x5 input; fix with a smaller kernel, padding="same", or one pooling layer fewer.
from keras import layers, models

model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (7, 7), activation="relu"))
model.add(layers.Flatten())
model.add(layers.Dense(10, activation="softmax"))

model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
