# Variational autoencoder for MNIST: encoder and decoder, as in the keras.io example
# "Variational AutoEncoder" (and Chollet 2nd ed., 12.4).
#
# Expected:
#   encoder: conv 3x3 s2 same (3*3*1+1)*32 = 320 (28->14); (3*3*32+1)*64 = 18,496 (14->7);
#     flatten 7*7*64 = 3,136; dense (3136+1)*16 = 50,192; z_mean and z_log_var
#     (16+1)*2 = 34 each. Total 69,076.
#   decoder: dense (2+1)*3136 = 9,408; reshape (7, 7, 64); conv-transpose 3x3 s2 same
#     (3*3*64+1)*64 = 36,928 (7->14); (3*3*64+1)*32 = 18,464 (14->28);
#     conv 3x3 (3*3*32+1)*1 = 289. Total 65,089.
import keras
from keras import layers


class Sampler(layers.Layer):
    def call(self, z_mean, z_log_var):
        epsilon = keras.random.normal(shape=keras.ops.shape(z_mean))
        return z_mean + keras.ops.exp(0.5 * z_log_var) * epsilon


latent_dim = 2

encoder_inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
x = layers.Flatten()(x)
x = layers.Dense(16, activation="relu")(x)
z_mean = layers.Dense(latent_dim, name="z_mean")(x)
z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
encoder = keras.Model(encoder_inputs, [z_mean, z_log_var], name="encoder")

latent_inputs = keras.Input(shape=(latent_dim,))
x = layers.Dense(7 * 7 * 64, activation="relu")(latent_inputs)
x = layers.Reshape((7, 7, 64))(x)
x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
decoder_outputs = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(x)
decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")
