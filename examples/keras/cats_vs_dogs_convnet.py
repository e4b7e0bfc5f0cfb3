# Chollet, "Deep Learning with Python" (1st ed.), listing 5.5-5.6: the cats-vs-dogs convnet
# trained from scratch on 150x150 RGB images.
#
# Expected: 3,453,121 parameters, all trainable.
#   conv2d    3x3x3x32 + 32      =       896   (150x150x3 -> 148x148x32)
#   pool                                        (-> 74x74x32)
#   conv2d_1  3x3x32x64 + 64     =    18,496   (-> 72x72x64)
#   pool                                        (-> 36x36x64)
#   conv2d_2  3x3x64x128 + 128   =    73,856   (-> 34x34x128)
#   pool                                        (-> 17x17x128)
#   conv2d_3  3x3x128x128 + 128  =   147,584   (-> 15x15x128)
#   pool                                        (-> 7x7x128, floor(15/2))
#   flatten                                     (-> 6,272)
#   dense     6,272x512 + 512    = 3,211,776
#   dense_1   512x1 + 1          =       513
#   total 896 + 18,496 + 73,856 + 147,584 + 3,211,776 + 513 = 3,453,121
from keras import layers, models, optimizers

model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(150, 150, 3)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(128, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(128, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Flatten())
model.add(layers.Dense(512, activation="relu"))
model.add(layers.Dense(1, activation="sigmoid"))

model.compile(
    loss="binary_crossentropy",
    optimizer=optimizers.RMSprop(learning_rate=1e-4),
    metrics=["accuracy"],
)

if __name__ == "__main__":
    model.summary()
