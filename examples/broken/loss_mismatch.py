# BROKEN ON PURPOSE: a 10-way softmax output trained with binary_crossentropy.
#
# The model is shape-correct (34,826 parameters, as examples/keras/keras_mnist_convnet.py),
# but binary_crossentropy treats the 10 softmax outputs as 10 independent yes/no
# probabilities: training "works" and reports a misleadingly high accuracy (binary
# accuracy per output, ~90% for always predicting "no"). ConvLens should report the
# compile call: a softmax over 10 classes needs categorical_crossentropy (one-hot labels)
# or sparse_categorical_crossentropy (integer labels).
import keras
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ]
)

model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
