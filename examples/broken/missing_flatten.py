# BROKEN ON PURPOSE: Dense applied directly to a rank-4 convolution output (no Flatten).
#
# Shapes: 28x28x1 -conv 3x3-> 26x26x32 -pool-> 13x13x32 -Dense(10)-> 13x13x10 (!)
# Keras does not raise: Dense acts on the last axis only, so the model outputs one
# 10-way softmax per pixel, (None, 13, 13, 10), and training against (None, 10) labels
# fails with a shape error. ConvLens should report the Dense on a rank-4 input and
# suggest adding layers.Flatten() (or GlobalAveragePooling2D) before it.
from keras import layers, models

model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Dense(10, activation="softmax"))

model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
