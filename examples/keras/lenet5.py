# LeNet-5 (LeCun et al., 1998, "Gradient-based learning applied to document recognition"),
# in its common modern Keras form: tanh activations, average pooling, softmax output.
#
# Expected: 61,706 parameters, all trainable.
#   conv2d    5x5x1x6 + 6    =    156   (32x32x1 -> 28x28x6)
#   avg pool 2x2                        (-> 14x14x6)
#   conv2d_1  5x5x6x16 + 16  =  2,416   (-> 10x10x16)
#   avg pool 2x2                        (-> 5x5x16)
#   flatten                             (-> 400)
#   dense     400x120 + 120  = 48,120
#   dense_1   120x84 + 84    = 10,164
#   dense_2   84x10 + 10     =    850
#   total 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import AveragePooling2D, Conv2D, Dense, Flatten, Input

model = Sequential(
    [
        Input(shape=(32, 32, 1)),
        Conv2D(6, kernel_size=5, activation="tanh"),
        AveragePooling2D(pool_size=2),
        Conv2D(16, kernel_size=5, activation="tanh"),
        AveragePooling2D(pool_size=2),
        Flatten(),
        Dense(120, activation="tanh"),
        Dense(84, activation="tanh"),
        Dense(10, activation="softmax"),
    ],
    name="lenet5",
)

model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

if __name__ == "__main__":
    model.summary()
