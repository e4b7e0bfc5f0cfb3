# Chollet, "Deep Learning with Python" (2nd ed.), listings 8.14-8.16: the cats-vs-dogs convnet
# trained from scratch with data augmentation, on 180x180 RGB images fed as 0-255 pixels
# (image_dataset_from_directory) and rescaled inside the model.
#
# ConvLens trains it with the augmentation applied to every training batch (RandomFlip,
# RandomRotation, RandomZoom: TF.js has no such layers, so they are identities inside the
# built model, which is what they are at inference) and feeds 0-255 pixels because of the
# Rescaling(1./255) that follows.
#
# Expected: 991,041 parameters, all trainable.
#   conv2d    3x3x3x32 + 32       =     896   (180x180x3 -> 178x178x32, pool -> 89x89)
#   conv2d_1  3x3x32x64 + 64      =  18,496   (-> 87x87x64, pool -> 43x43)
#   conv2d_2  3x3x64x128 + 128    =  73,856   (-> 41x41x128, pool -> 20x20)
#   conv2d_3  3x3x128x256 + 256   = 295,168   (-> 18x18x256, pool -> 9x9)
#   conv2d_4  3x3x256x256 + 256   = 590,080   (-> 7x7x256, flatten -> 12,544)
#   dense     12,544x1 + 1        =  12,545
#   total 896 + 18,496 + 73,856 + 295,168 + 590,080 + 12,545 = 991,041
import keras
from keras import layers

data_augmentation = keras.Sequential(
    [
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.2),
    ]
)

inputs = keras.Input(shape=(180, 180, 3))
x = data_augmentation(inputs)
x = layers.Rescaling(1.0 / 255)(x)
x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=256, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=256, kernel_size=3, activation="relu")(x)
x = layers.Flatten()(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs=inputs, outputs=outputs)

model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
