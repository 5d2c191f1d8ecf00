"""The library stays free of the web framework and the service."""

import subprocess
import sys


def test_detector_never_imports_fastapi_or_service() -> None:
    code = (
        "import sys, detector, detector.engine, detector.cli, detector.article, detector.text\n"
        "from detector import DetectorEngine\n"
        "DetectorEngine().score({'title': 't', 'body': 'قال الوزير إن النمو 3 في المئة.'})\n"
        "roots = ('fastapi', 'service', 'starlette')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in roots)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
