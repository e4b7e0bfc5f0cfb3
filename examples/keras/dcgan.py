# DCGAN discriminator and generator for 64x64 faces, as in the keras.io example
# "DCGAN to generate face images" (and Chollet 2nd ed., 12.5).
#
# Expected:
#   discriminator: conv 4x4 s2 same: (4*4*3+1)*64 = 3,136 (64->32); (4*4*64+1)*128 = 131,200
#     (32->16); (4*4*128+1)*128 = 262,272 (16->8); flatten 8*8*128 = 8,192;
#     dense (8192+1)*1 = 8,193. Total 404,801.
#   generator: dense (128+1)*8192 = 1,056,768; reshape (8, 8, 128);
#     conv-transpose 4x4 s2 same: (4*4*128+1)*128 = 262,272 (8->16);
#     (4*4*128+1)*256 = 524,544 (16->32); (4*4*256+1)*512 = 2,097,664 (32->64);
#     conv 5x5: (5*5*512+1)*3 = 38,403. Total 3,979,651.
import keras
from keras import layers

latent_dim = 128

discriminator = keras.Sequential(
    [
        keras.Input(shape=(64, 64, 3)),
        layers.Conv2D(64, kernel_size=4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(128, kernel_size=4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(128, kernel_size=4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Flatten(),
        layers.Dropout(0.2),
        layers.Dense(1, activation="sigmoid"),
    ],
    name="discriminator",
)

generator = keras.Sequential(
    [
        keras.Input(shape=(latent_dim,)),
        layers.Dense(8 * 8 * 128),
        layers.Reshape((8, 8, 128)),
        layers.Conv2DTranspose(128, kernel_size=4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2DTranspose(256, kernel_size=4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2DTranspose(512, kernel_size=4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(3, kernel_size=5, padding="same", activation="sigmoid"),
    ],
    name="generator",
)
