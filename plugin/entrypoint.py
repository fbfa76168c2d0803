"""The script orthanc.json's ``PythonScript`` names: Orthanc's Python plugin runs it.

The only module that imports ``orthanc`` (the runtime module exists inside Orthanc
only); everything else receives it as an argument.
"""

import orthanc

from plugin.adapter import register

register(orthanc)
