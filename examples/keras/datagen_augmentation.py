"""Data augmentation with ImageDataGenerator (Chollet, Deep Learning with Python, 1st ed., 5.2).

The generator below is issue #11's example. ConvLens reads it without running this file:
`convlens augment FILE --model datagen --image IMG` and the Augmentation CodeLens show its draws with
Keras' parameters; `convlens train FILE` applies it to every batch of data/cats_and_dogs_small.
"""
from tensorflow.keras import layers, models
from tensorflow.keras.preprocessing.image import ImageDataGenerator

datagen = ImageDataGenerator(
    rescale=1./255,
    rotation_range=60,
    zoom_range=0.2,
    width_shift_range=0.4,
    height_shift_range=0.2,
    horizontal_flip=True,
    fill_mode='nearest')

# Validation images are only rescaled, never augmented.
test_datagen = ImageDataGenerator(rescale=1./255)

train_generator = datagen.flow_from_directory(
    'data/cats_and_dogs_small/train',
    target_size=(150, 150),
    batch_size=32,
    class_mode='binary')

validation_generator = test_datagen.flow_from_directory(
    'data/cats_and_dogs_small/validation',
    target_size=(150, 150),
    batch_size=32,
    class_mode='binary')

model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation='relu', input_shape=(150, 150, 3)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation='relu'))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Flatten())
model.add(layers.Dropout(0.5))
model.add(layers.Dense(1, activation='sigmoid'))

model.compile(loss='binary_crossentropy', optimizer='rmsprop', metrics=['acc'])

history = model.fit(
    train_generator,
    steps_per_epoch=100,
    epochs=100,
    validation_data=validation_generator,
    validation_steps=50)
