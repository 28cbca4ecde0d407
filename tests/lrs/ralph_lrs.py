"""Ralph's LRS for Lentera's tests, on 127.0.0.1:PORT with its file-system backend.

Ralph 5.1's file-system LRS stores every statement in one file, but writes with the data
backend's default operation, CREATE, which refuses to write to a file that exists: the
second statement ever sent would fail with 500. Its data backend supports APPEND (the
file opened in append mode), which is what an LRS keeping a log of statements means, so
this launcher makes that the default before the app starts. Nothing else is changed.
Configuration comes from the RALPH_* environment variables the test sets.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend

FSDataBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
