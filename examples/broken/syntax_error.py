# BROKEN ON PURPOSE: a valid model followed by a Python syntax error.
#
# The model itself is the Chollet MNIST convnet (93,322 parameters). The model.compile(...)
# call at the end lacks its closing parenthesis, so Python refuses to run the file
# ("SyntaxError: '(' was never closed"). ConvLens should report the syntax error at the
# compile call and still show the summary of the model read before it.
from keras import layers, models

model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.Flatten())
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dense(10, activation="softmax"))

# The closing parenthesis is missing:
model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"]

model.summary()
