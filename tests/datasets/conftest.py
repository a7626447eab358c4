"""Writers of small dataset fixtures in each dataset's exact published format.

Each writer builds a miniature copy of a dataset under ``tmp_path``: the real folder
and file naming, column layout, separators, line endings, units and label codes.
The signals are constants or sines chosen so that the expected windows are known.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

G = 9.80665


def _write(path: Path, text: str, newline: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", newline).encode())
    return path


# ---------------------------------------------------------------------------- ADL (HMP)
def hmp_lines(codes: tuple[int, int, int], n: int) -> str:
    return "".join(f"{codes[0]} {codes[1]} {codes[2]}\n" for _ in range(n))


@pytest.fixture
def adl_dir(tmp_path: Path) -> Path:
    """HMP_Dataset with 2 volunteers, 2 activities, a _MODEL folder; CRLF like the original.

    Walk (f1, 400 samples = 12.5 s), Walk (m2, 700 = 21.9 s), Climb_stairs (f1, 200 =
    6.25 s, shorter than a 10 s window), Walk_MODEL (f1_1, 400).
    """
    root = tmp_path / "HMP_Dataset"
    trials = [
        ("Walk", "Accelerometer-2011-03-24-09-51-07-walk-f1.txt", (42, 21, 63), 400),
        ("Walk", "Accelerometer-2011-05-30-08-29-07-walk-m2.txt", (42, 21, 63), 700),
        ("Climb_stairs", "Accelerometer-2011-03-24-10-24-39-climb_stairs-f1.txt", (0, 0, 0), 200),
        ("Walk_MODEL", "Accelerometer-2011-05-30-08-29-07-walk-f1_1.txt", (42, 21, 63), 400),
    ]
    for folder, name, codes, n in trials:
        _write(root / folder / name, hmp_lines(codes, n), newline="\r\n")
    _write(root / "MANUAL.txt", "Manual\n")
    return root


# ------------------------------------------------------------------------------- HAPT
@pytest.fixture
def hapt_dir(tmp_path: Path) -> Path:
    """HAPT Data Set/RawData: exp01 user01 (train) and exp02 user02 (test subject).

    exp01: STANDING rows 1-600 (12 s), STAND_TO_SIT 601-700 (2 s), SITTING 701-1500
    (16 s), unlabelled 1501-2000. exp02: WALKING 1-1000 (20 s). acc is 1 g on x,
    gyro 0.5 rad/s on z.
    """
    raw = tmp_path / "HAPT Data Set" / "RawData"
    for exp, user, n in ((1, 1, 2000), (2, 2, 1000)):
        acc = "".join("1.0208333333333333 -0.125 0.10555555555555556\n" for _ in range(n))
        gyro = "".join("-0.0 0.0 0.5\n" for _ in range(n))
        _write(raw / f"acc_exp{exp:02d}_user{user:02d}.txt", acc)
        _write(raw / f"gyro_exp{exp:02d}_user{user:02d}.txt", gyro)
    labels = "1 1 5 1 600\n1 1 7 601 700\n1 1 4 701 1500\n2 2 1 1 1000\n"
    _write(raw / "labels.txt", labels)
    activities = "1 WALKING\n4 SITTING\n5 STANDING\n7 STAND_TO_SIT\n"
    _write(raw.parent / "activity_labels.txt", activities)
    return raw.parent


# -------------------------------------------------------------------------------- UEA
TS_HEADER = (
    "#Fixture problem in the archive's .ts format\n"
    "@problemName Toy\n@timeStamps false\n@missing false\n@univariate false\n"
    "@dimensions 2\n@equalLength true\n@seriesLength 5\n@classLabel true Up Down\n@data\n"
)


@pytest.fixture
def uea_dir(tmp_path: Path) -> Path:
    """Toy/Toy_TRAIN.ts (2 cases + 1 malformed line) and Toy_TEST.ts (1 case)."""
    folder = tmp_path / "Toy"
    train = TS_HEADER + "1,2,3,4,5:0.5,0.5,0.5,0.5,0.5:Up\n5,4,3,2,1:1,1,1,1,1:Down\n1,2,3:Up\n"
    _write(folder / "Toy_TRAIN.ts", train)
    _write(folder / "Toy_TEST.ts", TS_HEADER + "0,0,1,0,0:2,2,2,2,2:Up\n")
    return tmp_path


# ---------------------------------------------------------------------------- UCI-HAR
def _har_number(value: float) -> str:
    """``1.0128170e+000``: 7 decimals and a 3-digit exponent, as in Inertial Signals."""
    mantissa, exponent = f"{value:.7e}".split("e")
    return f"{mantissa}e{int(exponent):+04d}"


def _har_row(value: float) -> str:
    return "".join(f" {_har_number(value):>15}" for _ in range(128)) + "\n"


@pytest.fixture
def uci_har_dir(tmp_path: Path) -> Path:
    """UCI HAR Dataset with 3 train windows (subjects 1, 1, 3) and 2 test windows (subject 2)."""
    root = tmp_path / "UCI HAR Dataset"
    _write(root / "activity_labels.txt", "1 WALKING\n2 WALKING_UPSTAIRS\n")
    splits = {"train": ([1, 1, 3], [1, 5, 6]), "test": ([2, 2], [2, 2])}
    for split, (subjects, labels) in splits.items():
        _write(root / split / f"subject_{split}.txt", "".join(f"{s}\n" for s in subjects))
        _write(root / split / f"y_{split}.txt", "".join(f"{y}\n" for y in labels))
        signals = root / split / "Inertial Signals"
        for prefix, value in (("total_acc", 1.0128170), ("body_gyro", 0.25), ("body_acc", 0.0)):
            for axis in "xyz":
                rows = "".join(_har_row(value) for _ in subjects)
                _write(signals / f"{prefix}_{axis}_{split}.txt", rows)
    return tmp_path


# ------------------------------------------------------------------------ WISDM 2019
def wisdm_lines(subject: int, code: str, start_ns: int, n: int, xyz: tuple) -> str:
    step = 50_000_000  # 20 Hz
    return "".join(
        f"{subject},{code},{start_ns + i * step},{xyz[0]},{xyz[1]},{xyz[2]};\n" for i in range(n)
    )


@pytest.fixture
def wisdm_dir(tmp_path: Path) -> Path:
    """wisdm-dataset/raw/watch/{accel,gyro} for subject 1600: 12 s of A, 12 s of D.

    Accel reads 9.80665 m/s^2 on y (1 g); one malformed accel line in the A block.
    """
    raw = tmp_path / "wisdm-dataset" / "raw"
    t0 = 252207666810782
    accel = wisdm_lines(1600, "A", t0, 240, (0.0, G, 0.0))
    accel_lines = accel.splitlines(keepends=True)
    accel_lines[100] = "1600,A,257207666810782,0.1,;\n"
    accel = "".join(accel_lines) + wisdm_lines(1600, "D", t0 + 10**12, 240, (0.0, 0.0, G))
    gyro = wisdm_lines(1600, "A", t0, 240, (0.1, 0.2, 0.3))
    gyro += wisdm_lines(1600, "D", t0 + 10**12, 240, (0.0, 0.0, 0.0))
    _write(raw / "watch" / "accel" / "data_1600_accel_watch.txt", accel)
    _write(raw / "watch" / "gyro" / "data_1600_gyro_watch.txt", gyro)
    _write(raw / "phone" / "accel" / "data_1600_accel_phone.txt", accel)
    return tmp_path


# ------------------------------------------------------------------------- WISDM v1.1
@pytest.fixture
def wisdm_v1_dir(tmp_path: Path) -> Path:
    """WISDM_ar_v1.1: user 33 Jogging 260 lines (2 malformed), user 7 Sitting 240 lines."""
    lines = [f"33,Jogging,{49105962326000 + i * 50_000_000},0.0,{G},0.0;" for i in range(260)]
    lines[50] = "33,Jogging,49106062271000,0.0,9.8;33,Jogging,49106112167000,0.0,9.8,0.0;"
    lines[150] = "33,Jogging,49108562271000,,;"
    lines += [f"7,Sitting,{12345 + i},{G},0.0,0.0;" for i in range(240)]
    folder = tmp_path / "WISDM_ar_v1.1"
    _write(folder / "WISDM_ar_v1.1_raw.txt", "\n".join(lines) + "\n")
    _write(folder / "readme.txt", "WISDM v1.1\n")
    return tmp_path


# ----------------------------------------------------------------------------- PAMAP2
def pamap2_row(t: float, activity: int, hand_acc: tuple, hand_gyro: tuple, drop: bool) -> str:
    row = ["nan"] * 54
    row[0], row[1], row[2] = f"{t:.2f}", str(activity), "NaN"
    imu = [32.0, *hand_acc, *hand_acc, *hand_gyro, 1.0, 2.0, 3.0, 1.0, 0.0, 0.0, 0.0]
    for start in (3, 20, 37):
        row[start : start + 17] = [f"{v:.6f}" for v in imu]
    if drop:
        row[3:20] = ["NaN"] * 17
    return " ".join(row) + "\n"


@pytest.fixture
def pamap2_dir(tmp_path: Path) -> Path:
    """Protocol/subject101.dat: 15 s walking (4), 3 s other (0), 25 s sitting (2), 100 Hz.

    Hand IMU packets drop for 3 samples (0.03 s) in walking and 100 samples (1 s) in
    sitting. Hand acc reads 1 g on z in m/s^2.
    """
    rows = []
    plan = [(4, 1500), (0, 300), (2, 2500)]
    i = 0
    for activity, n in plan:
        for _ in range(n):
            drop = 700 <= i < 703 or 2300 <= i < 2400
            t = 5.64 + i * 0.01
            rows.append(pamap2_row(t, activity, (0.0, 0.0, G), (0.0, 0.1, 0.0), drop))
            i += 1
    root = tmp_path / "PAMAP2_Dataset"
    _write(root / "Protocol" / "subject101.dat", "".join(rows))
    _write(root / "Protocol" / "subject102.dat", "".join(rows[:1500]))
    return tmp_path


# -------------------------------------------------------------------------- RealWorld
def realworld_csv(n: int, t0_ms: int, xyz: tuple) -> bytes:
    lines = ["id,attr_time,attr_x,attr_y,attr_z"]
    lines += [f"{i + 1},{t0_ms + 20 * i},{xyz[0]},{xyz[1]},{xyz[2]}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def realworld_dir(tmp_path: Path) -> Path:
    """proband1/data: walking (forearm 12 s, chest 12 s) and climbingup in a nested zip."""
    data = tmp_path / "realworld2016_dataset" / "proband1" / "data"
    data.mkdir(parents=True)
    walking = {
        "acc_walking_forearm.csv": realworld_csv(600, 1435993280000, (0.0, G, 0.0)),
        "acc_walking_chest.csv": realworld_csv(600, 1435993280000, (G, 0.0, 0.0)),
    }
    (data / "acc_walking_csv.zip").write_bytes(_zip(walking))
    inner = _zip({"acc_climbingup_2_forearm.csv": realworld_csv(550, 1435994280000, (0, 0, G))})
    (data / "acc_climbingup_csv.zip").write_bytes(_zip({"acc_climbingup_2_csv.zip": inner}))
    (tmp_path / "realworld2016_dataset" / "proband2" / "data").mkdir(parents=True)
    return tmp_path


# ------------------------------------------------------------------------ Opportunity
def opportunity_row(ms: int, loco: int, gesture: int, rla: tuple) -> str:
    row = ["0"] * 250
    row[0] = str(ms)
    row[63:66] = [str(v) for v in rla]
    row[89:92] = ["-1000", "0", "0"]
    row[243], row[249] = str(loco), str(gesture)
    row[120] = "NaN"
    return " ".join(row) + "\n"


@pytest.fixture
def opportunity_dir(tmp_path: Path) -> Path:
    """dataset/S1-ADL1.dat: 11 s Stand (1), 1 s null (0), 8 s Sit (4) at 30 Hz, milli g."""
    rows, i = [], 0
    for loco, gesture, n in ((1, 406516, 330), (0, 0, 30), (4, 0, 240)):
        for _ in range(n):
            rows.append(opportunity_row(int(round(i * 1000 / 30)), loco, gesture, (0, 1000, 0)))
            i += 1
    folder = tmp_path / "OpportunityUCIDataset" / "dataset"
    _write(folder / "S1-ADL1.dat", "".join(rows))
    _write(folder / "S1-Drill.dat", "".join(rows[:330]))
    _write(folder / "column_names.txt", "Column: 1 MILLISEC\n")
    return tmp_path


# ------------------------------------------------------------------------- Capture-24
SLEEP = "7030 sleeping;MET 0.95"
OFFICE = "occupation;office and administrative support;11580 office/computer work general;MET 1.5"


@pytest.fixture
def capture24_dir(tmp_path: Path) -> Path:
    """capture24/P001.csv.gz: 12 s sleeping, 13 s office work, 100 Hz, 1 g on x."""
    root = tmp_path / "capture24"
    root.mkdir()
    dictionary = (
        "annotation,label:WillettsSpecific2018,label:WillettsMET2018,label:DohertySpecific2018,"
        "label:Willetts2018,label:Doherty2018,label:Walmsley2020\n"
        f'"{SLEEP}",sleep,sleep,sleep,sleep,sleep,sleep\n'
        f'"{OFFICE}",sitting,sitstand+lowactivity,sedentary-screen,sit-stand,sedentary,'
        "sedentary\n"
    )
    _write(root / "annotation-label-dictionary.csv", dictionary)
    _write(root / "metadata.csv", "pid,age,sex\nP001,38-52,F\n")
    start = np.datetime64("2016-11-13T02:18:00.000000")
    lines = ["time,x,y,z,annotation"]
    for i in range(2500):
        stamp = str(start + np.timedelta64(10_000 * i, "us")).replace("T", " ")
        label = SLEEP if i < 1200 else OFFICE
        lines.append(f'{stamp}+0000 [Europe/London],1.0,0.0,0.0,"{label}"')
    with gzip.open(root / "P001.csv.gz", "wt") as handle:
        handle.write("\n".join(lines) + "\n")
    return tmp_path
