"""Drives python3-paho-mqtt (Debian's) through the broker's mqttconf/exercise/ topics.

usage: /usr/bin/python3 client-exercises.py PORT
Persistent sessions and paho's own automatic reconnect: the broker drops connections
mid-flow and paho must resend (DUP, PUBREL) and answer resends (PUBCOMP) as the
standard says. Prints PASS/FAIL lines about what paho's application saw; whether
paho kept its obligations on the wire is in the broker's report. Every wait is bounded.
"""
import sys
import threading
import time

import paho.mqtt.client as mqtt

PORT = int(sys.argv[1])
TIMEOUT = 10.0
EX = "mqttconf/exercise/"
failures = 0


def report(ok, what):
    global failures
    print(("PASS " if ok else "FAIL ") + "paho exercise: " + what, flush=True)
    if not ok:
        failures += 1


class Client:
    """A paho client with a persistent session that reconnects by itself after a drop."""

    def __init__(self, client_id, clean_session=False):
        if hasattr(mqtt, "CallbackAPIVersion"):
            self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, client_id=client_id, clean_session=clean_session)
        else:
            self.client = mqtt.Client(client_id=client_id, clean_session=clean_session)
        self.cond = threading.Condition()
        self.messages = []
        self.connects = 0
        self.subacks = {}
        self.client.reconnect_delay_set(min_delay=1, max_delay=1)
        self.client.on_connect = self._connected
        self.client.on_message = self._message
        self.client.on_subscribe = self._suback
        self.client.connect("127.0.0.1", PORT, keepalive=30)
        self.client.loop_start()
        self.wait(lambda: self.connects >= 1)

    def _connected(self, c, u, flags, rc):
        with self.cond:
            self.connects += 1
            self.cond.notify_all()

    def _message(self, c, u, msg):
        with self.cond:
            self.messages.append(msg)
            self.cond.notify_all()

    def _suback(self, c, u, mid, granted):
        with self.cond:
            self.subacks[mid] = granted
            self.cond.notify_all()

    def wait(self, predicate, timeout=TIMEOUT):
        with self.cond:
            return self.cond.wait_for(predicate, timeout)

    def subscribe(self, topic, qos):
        _, mid = self.client.subscribe(topic, qos)
        self.wait(lambda: mid in self.subacks)
        return self.subacks.get(mid)

    def publish(self, topic, payload, qos):
        info = self.client.publish(topic, payload, qos)
        info.wait_for_publish(TIMEOUT)
        return info.is_published()

    def stop(self):
        self.client.disconnect()
        self.client.loop_stop()


def main():
    pub = Client("paho-ex-pub", clean_session=True)

    sub = Client("paho-ex-redeliver")
    sub.subscribe(EX + "redeliver/#", 2)
    pub.publish(EX + "redeliver/1", "redelivered at qos 1", 1)
    pub.publish(EX + "redeliver/2", "redelivered at qos 2", 2)
    ok = sub.wait(lambda: {m.payload for m in sub.messages} >= {b"redelivered at qos 1", b"redelivered at qos 2"})
    report(ok and sub.connects >= 2, "redeliver: messages arrive after forced disconnects (%d connects)" % sub.connects)
    twice = [m for m in sub.messages if m.payload == b"redelivered at qos 2"]
    report(len(twice) == 1, "redeliver: the QoS 2 message reaches the application once")
    sub.stop()

    sender = Client("paho-ex-qos2-sender")
    ok = sender.publish(EX + "interrupt-qos2/out", "cut after PUBREC", 2)
    report(ok and sender.connects >= 2, "interrupt-qos2: paho completes its QoS 2 publish across a reconnect")
    sender.stop()

    receiver = Client("paho-ex-qos2-receiver")
    receiver.subscribe(EX + "interrupt-qos2/#", 2)
    pub.publish(EX + "interrupt-qos2/in", "cut before PUBREL", 2)
    ok = receiver.wait(lambda: receiver.connects >= 2 and any(m.payload == b"cut before PUBREL" for m in receiver.messages))
    report(ok, "interrupt-qos2: paho receives a QoS 2 message whose PUBREL comes after a reconnect")
    time.sleep(0.5)  # let paho answer the resent PUBREL before disconnecting (not a synchronisation: a pause)
    receiver.stop()

    resender = Client("paho-ex-resender")
    ok = resender.publish(EX + "drop-before-ack/x", "resend me", 1)
    report(ok and resender.connects >= 2, "drop-before-ack: paho resends an unacknowledged QoS 1 publish")
    resender.stop()

    slow = Client("paho-ex-slow", clean_session=True)
    start = time.time()
    ok = slow.publish(EX + "slow-ack/1", "slow 1", 1) and slow.publish(EX + "slow-ack/2", "slow 2", 2)
    report(ok and time.time() - start >= 3.5, "slow-ack: paho waits for PUBACK and PUBREC/PUBCOMP held 2 s each")
    granted = [slow.subscribe(EX + "grant-qos0/x", 2), slow.subscribe(EX + "grant-qos1/x", 2),
               slow.subscribe(EX + "refuse/x", 1)]
    report(granted == [(0,), (1,), (128,)], "grant-qos0/grant-qos1/refuse: SUBACK codes %s" % granted)
    before = len(slow.messages)
    for q in (0, 1, 2):
        slow.subscribe(EX + "retained/qos%d" % q, 2)
    ok = slow.wait(lambda: len(slow.messages) >= before + 3)
    got = sorted((m.qos, m.retain) for m in slow.messages[before:])
    report(ok and got == [(0, 1), (1, 1), (2, 1)], "retained: a retained message at each QoS on subscribe %s" % got)
    many = Client("paho-ex-order", clean_session=True)
    many.subscribe("interop/exercise/order", 1)
    for i in range(20):
        pub.client.publish("interop/exercise/order", "m%d" % i, 1)
    ok = many.wait(lambda: len(many.messages) >= 20)
    report(ok and [m.payload for m in many.messages] == [b"m%d" % i for i in range(20)], "order: 20 messages in order")
    many.stop()
    slow.stop()
    pub.stop()
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:
        print("FAIL paho exercise: %s" % e, flush=True)
        sys.exit(1)
