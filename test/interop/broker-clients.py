"""Drives the mqttconf broker with python3-paho-mqtt (Debian's, 1.6 or 2.x).

usage: /usr/bin/python3 broker-clients.py PORT
Prints PASS/FAIL lines; exits 1 if any check failed. Every wait is bounded.
"""
import sys
import threading
import time

import paho.mqtt.client as mqtt

PORT = int(sys.argv[1])
TIMEOUT = 5.0
failures = 0


def report(ok, what):
    global failures
    print(("PASS " if ok else "FAIL ") + "paho: " + what, flush=True)
    if not ok:
        failures += 1


def new_client(client_id, clean_session=True):
    if hasattr(mqtt, "CallbackAPIVersion"):
        return mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, client_id=client_id, clean_session=clean_session)
    return mqtt.Client(client_id=client_id, clean_session=clean_session)


class Collector:
    """A connected client that records what it receives."""

    def __init__(self, client_id, will=None):
        self.messages = []
        self.cond = threading.Condition()
        self.connected = threading.Event()
        self.subacks = {}
        self.client = new_client(client_id)
        if will:
            self.client.will_set(*will)
        self.client.on_connect = lambda c, u, f, rc: rc == 0 and self.connected.set()
        self.client.on_message = self._message
        self.client.on_subscribe = self._suback
        self.client.connect("127.0.0.1", PORT, keepalive=30)
        self.client.loop_start()
        if not self.connected.wait(TIMEOUT):
            raise RuntimeError(client_id + ": no CONNACK within %ss" % TIMEOUT)

    def _message(self, c, u, msg):
        with self.cond:
            self.messages.append(msg)
            self.cond.notify_all()

    def _suback(self, c, u, mid, granted):
        with self.cond:
            self.subacks[mid] = granted
            self.cond.notify_all()

    def subscribe(self, topic, qos):
        _, mid = self.client.subscribe(topic, qos)
        with self.cond:
            self.cond.wait_for(lambda: mid in self.subacks, TIMEOUT)
            return self.subacks.get(mid)

    def wait_messages(self, n):
        with self.cond:
            self.cond.wait_for(lambda: len(self.messages) >= n, TIMEOUT)
            return list(self.messages)

    def stop(self):
        self.client.disconnect()
        self.client.loop_stop()


def main():
    sub = Collector("paho-sub")
    pub = Collector("paho-pub")
    report(True, "connect two clients")

    for qos in (0, 1, 2):
        topic = "interop/paho/qos%d" % qos
        granted = sub.subscribe(topic, qos)
        report(granted is not None and granted[0] == qos, "SUBACK grants QoS %d (got %s)" % (qos, granted))
        before = len(sub.messages)
        info = pub.client.publish(topic, "paho qos %d" % qos, qos)
        info.wait_for_publish(TIMEOUT)
        got = sub.wait_messages(before + 1)[before:]
        ok = len(got) == 1 and got[0].payload == b"paho qos %d" % qos and got[0].qos == qos
        report(ok, "publish and receive at QoS %d" % qos)

    for qos in (0, 1, 2):
        topic = "interop/paho/retained/%d" % qos
        pub.client.publish(topic, "kept %d" % qos, qos, retain=True).wait_for_publish(TIMEOUT)
    late = Collector("paho-late")
    late.subscribe("interop/paho/retained/+", 2)
    got = sorted(late.wait_messages(3), key=lambda m: m.topic)
    ok = [(m.payload, m.qos, m.retain) for m in got] == [(b"kept %d" % q, q, True) for q in (0, 1, 2)]
    report(ok, "retained messages at QoS 0/1/2 arrive with RETAIN set and their QoS")
    late.stop()

    watcher = Collector("paho-watcher")
    watcher.subscribe("interop/paho/will", 1)
    dying = Collector("paho-dying", will=("interop/paho/will", "paho died", 1, False))
    dying.client.loop_stop()
    dying.client.socket().close()  # abrupt: no DISCONNECT
    got = watcher.wait_messages(1)
    report(len(got) == 1 and got[0].payload == b"paho died", "will published after an abrupt socket close")
    watcher.stop()
    sub.stop()
    pub.stop()
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # a failed connect or similar: one clear line
        print("FAIL paho: %s" % e, flush=True)
        sys.exit(1)
