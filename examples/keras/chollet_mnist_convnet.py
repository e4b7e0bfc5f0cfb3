# Chollet, "Deep Learning with Python" (1st ed.), listing 5.1-5.3: a small convnet for MNIST.
#
# Expected: 93,322 parameters, all trainable.
#   conv2d    3x3x1x32 + 32   =    320   (28x28x1 -> 26x26x32)
#   pool 2x2                              (-> 13x13x32)
#   conv2d_1  3x3x32x64 + 64  = 18,496   (-> 11x11x64)
#   pool 2x2                              (-> 5x5x64, floor(11/2))
#   conv2d_2  3x3x64x64 + 64  = 36,928   (-> 3x3x64)
#   flatten                               (-> 576)
#   dense     576x64 + 64     = 36,928
#   dense_1   64x10 + 10      =    650
#   total 320 + 18,496 + 36,928 + 36,928 + 650 = 93,322
from keras import layers
from keras import models

model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.Flatten())
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dense(10, activation="softmax"))

model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])

if __name__ == "__main__":
    from keras.datasets import mnist
    from keras.utils import to_categorical

    (train_images, train_labels), (test_images, test_labels) = mnist.load_data()
    train_images = train_images.reshape((60000, 28, 28, 1)).astype("float32") / 255
    test_images = test_images.reshape((10000, 28, 28, 1)).astype("float32") / 255
    train_labels = to_categorical(train_labels)
    test_labels = to_categorical(test_labels)

    model.summary()
    model.fit(train_images, train_labels, epochs=5, batch_size=64)
    test_loss, test_acc = model.evaluate(test_images, test_labels)
    print("test accuracy:", test_acc)
