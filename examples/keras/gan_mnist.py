# A GAN on 28x28 MNIST digits, as in the keras.io guide "Customizing what happens in fit()"
# (its GAN section): a discriminator that ends in one raw score (a logit: Dense(1) without an
# activation, trained with BinaryCrossentropy(from_logits=True)), a generator from a latent
# vector of 128 to a digit, and a keras.Model subclass with its own train_step. ConvLens does
# not run train_step: it recognises the recipe, reads the compile call (both players
# Adam(0.0003), scores as logits) and the fit call, and trains the recipe with its own step.
#
# Expected:
#   discriminator: conv 3x3 s2 same (3*3*1+1)*64 = 640 (28->14); (3*3*64+1)*128 = 73,856
#     (14->7); global max pooling -> 128; dense (128+1)*1 = 129. Total 74,625.
#   generator: dense (128+1)*6272 = 809,088; reshape (7, 7, 128);
#     conv-transpose 4x4 s2 same (4*4*128+1)*128 = 262,272 (7->14), again (14->28);
#     conv 7x7 (7*7*128+1)*1 = 6,273. Total 1,339,905.
import keras
from keras import layers

latent_dim = 128

discriminator = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(128, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.GlobalMaxPooling2D(),
        layers.Dense(1),
    ],
    name="discriminator",
)

generator = keras.Sequential(
    [
        keras.Input(shape=(latent_dim,)),
        layers.Dense(7 * 7 * 128),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Reshape((7, 7, 128)),
        layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid"),
    ],
    name="generator",
)


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def train_step(self, real_images):
        # Fakes labelled 1, real images 0, with a little label noise; then the generator
        # learns to make the discriminator say 0 ("real") for its fakes.
        batch_size = keras.ops.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(shape=(batch_size, self.latent_dim))
        generated_images = self.generator(random_latent_vectors)
        combined_images = keras.ops.concatenate([generated_images, real_images], axis=0)
        labels = keras.ops.concatenate(
            [keras.ops.ones((batch_size, 1)), keras.ops.zeros((batch_size, 1))], axis=0
        )
        labels += 0.05 * keras.random.uniform(keras.ops.shape(labels))
        # ... gradient steps for each player with its own optimizer ...
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
gan.compile(
    d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
)
gan.fit(dataset, epochs=20, batch_size=64)
