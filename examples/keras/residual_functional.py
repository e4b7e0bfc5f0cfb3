# A small residual convnet with the Keras functional API, in the style of Chollet,
# "Deep Learning with Python" (2nd ed.), chapters 8-9: data augmentation and rescaling
# inside the model, residual blocks with batch normalization, 1x1 projections on the
# shortcut when the number of filters changes, global average pooling.
#
# Expected: 309,601 parameters: 308,641 trainable + 960 non-trainable
# (BatchNormalization has 4 per channel: gamma and beta train, moving mean/variance don't).
#   input 180x180x3
#   data_augmentation (RandomFlip, RandomRotation, RandomZoom) and Rescaling: no weights
#   stem conv 5x5, stride 2, 32 filters, no bias: 5*5*3*32 = 2,400  (-> 90x90x32)
#   stem batch norm: 4*32                                   =   128
#   residual_block(x, 32), 32 -> 32 channels, identity shortcut:
#     conv 3*3*32*32 = 9,216 ; bn 128 ; conv 9,216 ; bn 128   = 18,688  (-> 90x90x32)
#   max pool 2                                                         (-> 45x45x32)
#   residual_block(x, 64, project=True), 32 -> 64:
#     conv 3*3*32*64 = 18,432 ; bn 256 ; conv 3*3*64*64 = 36,864 ; bn 256 ;
#     shortcut 1x1 conv 32*64 = 2,048                         = 57,856  (-> 45x45x64)
#   max pool 2                                                         (-> 22x22x64)
#   residual_block(x, 128, project=True), 64 -> 128:
#     conv 3*3*64*128 = 73,728 ; bn 512 ; conv 3*3*128*128 = 147,456 ; bn 512 ;
#     shortcut 1x1 conv 64*128 = 8,192                       = 230,400  (-> 22x22x128)
#   global average pooling (-> 128), dropout
#   dense 128*1 + 1                                           =    129
#   total 2,400 + 128 + 18,688 + 57,856 + 230,400 + 129 = 309,601
#   non-trainable: moving mean + variance of 32 + (32 + 32) + (64 + 64) + (128 + 128)
#   = 480 channels -> 960
import keras
from keras import layers

data_augmentation = keras.Sequential(
    [
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.2),
    ]
)


def residual_block(x, filters, project=False):
    """Two 3x3 conv + batch-norm layers with a shortcut; a 1x1 conv projects the shortcut
    when the block changes the number of channels (`project=True`)."""
    residual = x
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    if project:
        residual = layers.Conv2D(filters, 1, use_bias=False)(residual)
    x = layers.add([x, residual])
    return layers.Activation("relu")(x)


inputs = keras.Input(shape=(180, 180, 3))
x = data_augmentation(inputs)
x = layers.Rescaling(1.0 / 255)(x)
x = layers.Conv2D(32, 5, strides=2, padding="same", use_bias=False)(x)
x = layers.BatchNormalization()(x)
x = layers.Activation("relu")(x)

x = residual_block(x, 32)
x = layers.MaxPooling2D(2)(x)
x = residual_block(x, 64, project=True)
x = layers.MaxPooling2D(2)(x)
x = residual_block(x, 128, project=True)

x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs=inputs, outputs=outputs)

model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

if __name__ == "__main__":
    model.summary()
