# keras.io code example "Simple MNIST convnet" (fchollet):
# https://keras.io/examples/vision/mnist_convnet/
#
# Expected: 34,826 parameters, all trainable.
#   conv2d    3x3x1x32 + 32   =    320   (28x28x1 -> 26x26x32)
#   pool 2x2                              (-> 13x13x32)
#   conv2d_1  3x3x32x64 + 64  = 18,496   (-> 11x11x64)
#   pool 2x2                              (-> 5x5x64)
#   flatten                               (-> 1,600)
#   dropout                               (no weights)
#   dense     1,600x10 + 10   = 16,010
#   total 320 + 18,496 + 16,010 = 34,826
import numpy as np
import keras
from keras import layers

num_classes = 10
input_shape = (28, 28, 1)

model = keras.Sequential(
    [
        keras.Input(shape=input_shape),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ]
)

model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

if __name__ == "__main__":
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = np.expand_dims(x_train.astype("float32") / 255, -1)
    x_test = np.expand_dims(x_test.astype("float32") / 255, -1)
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model.summary()
    model.fit(x_train, y_train, batch_size=128, epochs=15, validation_split=0.1)
    score = model.evaluate(x_test, y_test, verbose=0)
    print("Test loss:", score[0])
    print("Test accuracy:", score[1])
