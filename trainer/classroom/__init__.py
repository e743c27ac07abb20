"""A class of practice stations and one instructor, over MQTT (Mosquitto is the broker).

- :mod:`trainer.classroom.protocol`: topic names and versioned payloads (pure);
- :mod:`trainer.classroom.broker`: ``trainer class setup`` writes Mosquitto's files;
- :mod:`trainer.classroom.station`: a station's client, outbox sender and config apply;
- :mod:`trainer.classroom.hub`: the instructor's hub, its records and the config it publishes.
"""
