# keras.io's DCGAN recipe ("DCGAN to generate face images": strided convolutions with
# LeakyReLU(0.2) and Dropout in the discriminator, a sigmoid score trained with
# BinaryCrossentropy(), Conv2DTranspose upsampling in the generator, label noise in train_step)
# scaled to 28x28 MNIST digits and to 64 channels a layer, so that it trains on a laptop CPU in
# minutes. bench/gan-quality.js trains it and asks a digit classifier what its samples are.
#
# Expected:
#   discriminator: conv 4x4 s2 same (4*4*1+1)*64 = 1,088 (28->14); (4*4*64+1)*64 = 65,600
#     (14->7); flatten 7*7*64 = 3,136; dense (3136+1)*1 = 3,137. Total 69,825.
#   generator: dense (64+1)*3136 = 203,840; reshape (7, 7, 64);
#     conv-transpose 4x4 s2 same (4*4*64+1)*64 = 65,600 (7->14), again (14->28);
#     conv 5x5 (5*5*64+1)*1 = 1,601. Total 336,641.
import keras
from keras import layers

latent_dim = 64

discriminator = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(64, kernel_size=4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(64, kernel_size=4, strides=2, padding="same"),
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
        layers.Dense(7 * 7 * 64),
        layers.Reshape((7, 7, 64)),
        layers.Conv2DTranspose(64, kernel_size=4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2DTranspose(64, kernel_size=4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(1, kernel_size=5, padding="same", activation="sigmoid"),
    ],
    name="generator",
)
