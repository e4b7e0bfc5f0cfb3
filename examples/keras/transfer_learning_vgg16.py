# Feature extraction with a frozen VGG16 conv base, as in Chollet, "Deep Learning with
# Python" (2nd ed.), 8.3 "Leveraging a pretrained model" (cats vs. dogs at 180x180).
#
# Expected (ConvLens describes keras.applications.VGG16 statically; no weights are loaded):
#   conv_base: 13 convs + 5 pools, output (None, 5, 5, 512), 14,714,688 params, all frozen.
#   model: flatten 5*5*512 = 12,800 -> Dense 256: (12800+1)*256 = 3,277,056
#          Dense 1: (256+1)*1 = 257
#   total 14,714,688 + 3,277,056 + 257 = 17,992,001;
#   trainable 3,277,313 (the classifier), non-trainable 14,714,688 (the frozen base).
import keras
from keras import layers

conv_base = keras.applications.vgg16.VGG16(weights="imagenet", include_top=False)
conv_base.trainable = False

data_augmentation = keras.Sequential(
    [
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.2),
    ]
)

inputs = keras.Input(shape=(180, 180, 3))
x = data_augmentation(inputs)
x = keras.applications.vgg16.preprocess_input(x)
x = conv_base(x)
x = layers.Flatten()(x)
x = layers.Dense(256)(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
