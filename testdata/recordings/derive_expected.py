#!/usr/bin/env python3
"""Derives, without CellWatch's engine, the figures that RealRecordingVerdictTest expects from these recordings.

Run from anywhere: python3 derive_expected.py   (standard library only)

Each reader below is an independent few-line reading of one file (same columns as the Java test readers):
(line, time us, voltage V, current A with + = charge, cell temperature C or nan). Voltages are compared as f32,
the way SAMPLES frames carry them.

Printed sections:
  upper    episodes of V > limit (re-armed below limit - 0.05 V): count and first/last firing line
  steps    the largest voltage step between consecutive samples whose current differs by more than 0.05 A
  restdrop rolling-rest drop brute force: over rest samples (|I| < 0.05 A) taken >= settle after the rest began,
           the largest fall below the highest such sample in the trailing window; how many settled rest samples
           there are and how many of them had another one in the window; the first sample falling >= 50 mV
  inject   a -100 mV step injected into a rest: where the drop criterion first holds
"""
import datetime
import os
import struct
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
NAN = float('nan')


def f32(x):
    return struct.unpack('f', struct.pack('f', x))[0]


def text(name):
    with open(os.path.join(HERE, name), 'rb') as f:
        return f.read().decode('utf-8', errors='replace').lstrip('\ufeff')


def arbin():
    lines = text('2017-05-09_test-TC-contact_CH33.csv').split('\n')
    out = []
    for n, l in enumerate(lines[1:], start=2):
        if l:
            r = l.split(',')  # DateTime (epoch s) = 2, Current = 6, Voltage = 7, Temperature = 14
            out.append((n, int(Decimal(r[2]) * 1000000), float(r[7]), float(r[6]), float(r[14])))
    return out


def maccor():
    lines = text('xTESLADIAG_000038con.078').split('\r\n')
    out = []
    for n, l in enumerate(lines[2:], start=3):
        if l:
            r = l.split('\t')  # Test (Sec) = 3, Amps = 7, Volts = 8
            out.append((n, int(Decimal(r[3]) * 1000000), float(r[8]), float(r[7]), NAN))
    return out


def biologic():
    lines = text('test_loopsnewoutput_MB_CE1_short10k.csv').split('\n')
    out = []
    for n, l in enumerate(lines[1:], start=2):
        if l:
            r = l.split(';')  # time/s = 4 (a date), Ecell/V = 5, I/mA = 7
            t = datetime.datetime.strptime(r[4], '%m/%d/%Y %H:%M:%S.%f').replace(tzinfo=datetime.timezone.utc)
            out.append((n, int(t.timestamp()) * 1000000 + t.microsecond, float(r[5]), float(r[7]) / 1000, NAN))
    return out


def hms(s):
    h, m, x = s.split(':')
    return (int(h) * 3600 + int(m) * 60 + int(x)) * 1000000


def neware(step_clock=False):
    lines = text('nw_regular_export_ife_example.csv').split('\n')
    out = []
    for n, l in enumerate(lines, start=1):
        if l.startswith(',,') and n > 3:
            r = l.split(',')  # Time = 3, Total Time = 4, Current(A) = 5, Voltage(V) = 6, T1(?) = 12
            out.append((n, hms(r[3] if step_clock else r[4]), float(r[6]), float(r[5]), float(r[12])))
    return out


def novonix():
    lines = text('sample_data_novonix.csv').split('\n')
    start = lines.index('[Data]') + 2
    out = []
    for n, l in enumerate(lines[start:], start=start + 1):
        if l:
            r = l.split(',')  # Run Time (h) = 3, Current (A) = 5, Potential (V) = 6, Temperature = 8
            out.append((n, int(Decimal(r[3]) * 3600000000), float(r[6]), float(r[5]), float(r[8])))
    return out


FILES = {'arbin': arbin, 'maccor': maccor, 'biologic': biologic, 'neware': neware, 'novonix': novonix}


def upper(rows, limit, hysteresis=0.05):
    active, fired = False, []
    above, rearm = max(limit, f32(limit)), min(limit - hysteresis, f32(limit - hysteresis))
    for row in rows:
        v = f32(row[2])
        if not active and v > above:
            active = True
            fired.append(row)
        elif active and v < rearm:
            active = False
    return fired


def steps(rows):
    best = (0.0, None, None)
    for a, b in zip(rows, rows[1:]):
        if abs(b[3] - a[3]) > 0.05 and abs(b[2] - a[2]) > best[0]:
            best = (abs(b[2] - a[2]), a, b)
    return best


def restdrop(rows, window_s=1.0, settle_s=2.0, rest=0.05, threshold=0.05):
    """Largest fall, settled samples, samples with a neighbour in the window, every first >= threshold per rest."""
    window, settle = window_s * 1e6, settle_s * 1e6
    since, history, fired = None, [], False
    largest, settled, paired, alerts = (0.0, None), 0, 0, []
    for row in rows:
        _, t, v, i, _ = row
        if not abs(f32(i)) < rest:
            since, history, fired = None, [], False
            continue
        if since is None:
            since = t
        if t - since < settle:
            continue
        settled += 1
        history = [h for h in history if h[0] > t - window]
        paired += 1 if history else 0
        history.append((t, f32(v)))
        top = max(h[1] for h in history)
        if top - f32(v) > largest[0]:
            largest = (top - f32(v), row)
        if not fired and top - f32(v) >= threshold:
            fired = True
            alerts.append((row, top))
    return largest, settled, paired, alerts


def inject(rows, first_line, last_line, delta=-0.100):
    return [(r[0], r[1], r[2] + delta, r[3], r[4]) if first_line <= r[0] <= last_line else r for r in rows]


def main():
    data = {name: read() for name, read in FILES.items()}
    for name, rows in data.items():
        print('==', name, len(rows), 'rows')
        for limit in (3.60, 3.65, 4.25, 4.30, 4.35, 4.70, 4.75):
            fired = upper(rows, limit)
            print('  upper %.2f V: %d episodes; first %s; last %s' % (
                limit, len(fired), fired[0][:3] if fired else '-', fired[-1][:3] if fired else '-'))
        size, a, b = steps(rows)
        print('  steps: largest %.1f mV, line %s -> %s' % (size * 1000, a and a[0], b and b[0]))
        largest, settled, paired, alerts = restdrop(rows)
        print('  restdrop 1 s / 2 s settle: largest %.2f mV at line %s; %d settled, %d with a neighbour; %d alerts' % (
            largest[0] * 1000, largest[1] and largest[1][0], settled, paired, len(alerts)))
        for window, settle in ((10, 2), (60, 2), (120, 2), (60, 30), (60, 120)):
            largest, settled, paired, alerts = restdrop(rows, window, settle)
            print('  restdrop %d s / %d s settle: largest %.1f mV; %d alerts; first %s' % (
                window, settle, largest[0] * 1000, len(alerts), alerts[0][0][:3] + (alerts[0][1],) if alerts else '-'))
    print('== inject -100 mV')
    for name, lo, hi, window, settle in (('biologic', 7000, 10000, 1, 2), ('biologic', 7000, 10000, 0.96875, 2),
                                         ('neware', 400, 423, 1, 2), ('neware', 400, 423, 60, 120),
                                         ('neware', 400, 423, 58.125, 120)):
        alerts = restdrop(inject(data[name], lo, hi), window, settle)[3]
        print('  %s lines %d..%d, window %s s, settle %s s: %s' % (
            name, lo, hi, window, settle, [(a[0][:3], a[1]) for a in alerts]))
    back = sum(1 for a, b in zip(neware(True), neware(True)[1:]) if b[1] < a[1])
    print('== neware step clock: %d samples earlier than the previous one' % back)


if __name__ == '__main__':
    main()
