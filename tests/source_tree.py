"""source_tree.py - the files a user's `git clone` of this repository has,
copied into a directory: what `helm plugin install DIR` of a checkout sees
(no build output, no .tools/), for the client tests that install the Helm 4
plugin from source."""
import os
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def copy_source_tree(dst):
    """Copy the tracked files of the repository (git ls-files; without git,
    the tree less build output and tools) into `dst`. Returns `dst`."""
    files = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], capture_output=True)
    if files.returncode == 0 and files.stdout:
        for f in files.stdout.decode().split("\0"):
            if f and os.path.isfile(os.path.join(ROOT, f)):
                os.makedirs(os.path.dirname(os.path.join(dst, f)), exist_ok=True)
                shutil.copy2(os.path.join(ROOT, f), os.path.join(dst, f))
    else:
        shutil.copytree(ROOT, dst, ignore=shutil.ignore_patterns(".tools", "build", ".git", "deploy2sts", "dist"))
    return dst
