# VGG16 (Simonyan & Zisserman, 2014, configuration "D"), with the ImageNet classifier on top:
# the same architecture as tf.keras.applications.VGG16(include_top=True, weights=None).
#
# Expected: 138,357,544 parameters, all trainable.
#   every conv is 3x3, padding="same": params = 3*3*C_in*filters + filters
#   block1  64, 64                :      1,792 +     36,928               =     38,720
#   block2  128, 128              :     73,856 +    147,584               =    221,440
#   block3  256, 256, 256         :    295,168 +    590,080 x 2           =  1,475,328
#   block4  512, 512, 512         :  1,180,160 +  2,359,808 x 2           =  5,899,776
#   block5  512, 512, 512         :  2,359,808 x 3                        =  7,079,424
#   convolutions                                                          = 14,714,688
#   each block ends with a 2x2 max pool: 224 -> 112 -> 56 -> 28 -> 14 -> 7
#   flatten 7x7x512 = 25,088
#   fc1     25,088x4,096 + 4,096  = 102,764,544
#   fc2     4,096x4,096 + 4,096   =  16,781,312
#   predictions 4,096x1,000 + 1,000 = 4,097,000
#   total 14,714,688 + 102,764,544 + 16,781,312 + 4,097,000 = 138,357,544
import tensorflow as tf


def vgg_block(model, filters, convs):
    """Adds `convs` 3x3 convolutions with `filters` filters, then a 2x2 max pool."""
    for _ in range(convs):
        model.add(tf.keras.layers.Conv2D(filters, (3, 3), activation="relu", padding="same"))
    model.add(tf.keras.layers.MaxPooling2D((2, 2), strides=(2, 2)))


model = tf.keras.Sequential(name="vgg16")
model.add(tf.keras.Input(shape=(224, 224, 3)))
for filters, convs in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]:
    vgg_block(model, filters, convs)
model.add(tf.keras.layers.Flatten(name="flatten"))
model.add(tf.keras.layers.Dense(4096, activation="relu", name="fc1"))
model.add(tf.keras.layers.Dense(4096, activation="relu", name="fc2"))
model.add(tf.keras.layers.Dense(1000, activation="softmax", name="predictions"))

model.compile(
    optimizer=tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
    loss="categorical_crossentropy",
    metrics=["accuracy"],
)

if __name__ == "__main__":
    model.summary()
