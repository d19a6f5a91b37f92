#!/usr/bin/env python3
"""Regenerate the onnxruntime rows of onnx-operators.yaml from the kernels a wheel registers.

    python3 ort_kernels.py dump  onnxruntime==1.23.2      cpu-1.23.2.json
    python3 ort_kernels.py dump  onnxruntime-gpu==1.25.1  gpu-1.25.1.json
    python3 ort_kernels.py entry cpu-1.23.2.json CPUExecutionProvider 1.23
    python3 ort_kernels.py entry gpu-1.25.1.json CUDAExecutionProvider 1.25

`dump` downloads the wheel (pip), unpacks it and calls onnxruntime's get_all_opkernel_def(), the
function tools/python/gen_opkernel_doc.py builds docs/OperatorKernels.md from (wheels before 1.16
do not export it). A GPU wheel creates its CUDA and TensorRT providers to list their kernels, which
needs the CUDA, cuDNN and TensorRT libraries and a device; on a machine without them, the missing
libraries are replaced by stub libraries whose functions all return 0 (success), which is enough
for the providers' constructors, and the kernel registry itself is plain CPU code. Needs pip, gcc,
readelf, nm, strings and a Python with numpy (numpy<2 for wheels before 1.19).

`entry` prints one `versions` entry in the onnx-operators.yaml layout.
"""
import collections, json, os, re, subprocess, sys, tempfile, zipfile

ORDER = ["bool", "int2", "int4", "int8", "int16", "int32", "int64", "uint2", "uint4", "uint8", "uint16", "uint32",
         "uint64", "float16", "bfloat16", "float32", "float64", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2",
         "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn", "complex64", "complex128", "string"]
ORT_NAMES = {"float": "float32", "double": "float64", "float8e4m3fn": "float8_e4m3fn", "float8e4m3fnuz": "float8_e4m3fnuz",
             "float8e5m2": "float8_e5m2", "float8e5m2fnuz": "float8_e5m2fnuz", "float8e8m0": "float8_e8m0fnu",
             "float4e2m1": "float4_e2m1fn"}
DUMP = r"""
import json, sys, onnxruntime
from onnxruntime.capi import onnxruntime_pybind11_state as C
ks = [{"op": k.op_name, "domain": k.domain, "range": list(k.version_range), "ep": k.provider,
       "tc": {n: list(v) for n, v in k.type_constraints.items()}} for k in C.get_all_opkernel_def()]
json.dump({"version": onnxruntime.__version__, "kernels": ks}, open(sys.argv[1], "w"))
"""


def run(*args):
    return subprocess.run(args, capture_output=True, text=True).stdout


def make_stubs(capi, stubdir):
    """Stub libraries for every provider dependency that is not installed."""
    libs = [os.path.join(capi, f) for f in os.listdir(capi)
            if f.startswith("libonnxruntime_providers_") and "shared" not in f]
    installed = run("ldconfig", "-p")
    needed, undef = set(), collections.defaultdict(set)
    for lib in libs:
        for m in re.finditer(r"NEEDED\)\s+Shared library: \[(.+?)\]", run("readelf", "-dW", lib)):
            if m.group(1) not in os.listdir(capi) and m.group(1) + " (" not in installed:
                needed.add(m.group(1))
        for line in run("nm", "-D", "--undefined-only", lib).splitlines():
            sym, _, ver = line.split()[-1].partition("@")
            undef[ver.lstrip("@") or None].add(sym)
    plain = undef[None] - {"Provider_GetHost", "_ITM_registerTMCloneTable", "_ITM_deregisterTMCloneTable", "__gmon_start__"}
    driver = {s for lib in libs for s in run("strings", lib).split() if re.fullmatch(r"cu[A-Z]\w{2,60}", s)}
    needed.add("libcuda.so.1")  # dlopen()ed by a static initializer
    os.makedirs(stubdir, exist_ok=True)
    for so in sorted(needed):
        syms = sorted(undef.get(so, set()) | plain | (driver if so == "libcuda.so.1" else set()))
        body = ["int __stub(void){return 0;}"]
        for s in syms:
            if s == "getInferLibVersion":
                body.append("int getInferLibVersion(void){return 100700;}")
            elif s == "initLibNvInferPlugins":
                body.append("int initLibNvInferPlugins(void){return 1;}")
            elif s == "getPluginRegistry":  # an object whose virtual methods all return 0
                body.append("static long g(void){return 0;} static void* vt[256]; static struct {void** v;} o;"
                            " void* getPluginRegistry(void){for(int i=0;i<256;i++)vt[i]=(void*)g; o.v=vt; return &o;}")
            else:
                body.append("long %s(void){return 0;}" % s)
        src = os.path.join(stubdir, so + ".c")
        open(src, "w").write("\n".join(body) + "\n")
        cmd = ["gcc", "-shared", "-fPIC", "-o", os.path.join(stubdir, so), "-Wl,-soname," + so, src]
        if so in undef:  # versioned references need a version node named after the library
            vmap = os.path.join(stubdir, so + ".map")
            open(vmap, "w").write("%s {\n global:\n%s  __stub;\n local: *;\n};\n" % (so, "".join("  %s;\n" % s for s in syms)))
            cmd.append("-Wl,--version-script=" + vmap)
        subprocess.run(cmd, check=True)


def dump(requirement, out):
    work = tempfile.mkdtemp(prefix="ortk-")
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", requirement, "-d", work], check=True)
    wheel = next(os.path.join(work, f) for f in os.listdir(work) if f.endswith(".whl"))
    site = os.path.join(work, "site")
    zipfile.ZipFile(wheel).extractall(site)
    env = dict(os.environ, PYTHONPATH=site)
    capi = os.path.join(site, "onnxruntime", "capi")
    if any(f.startswith("libonnxruntime_providers_cuda") for f in os.listdir(capi)):
        make_stubs(capi, os.path.join(work, "stubs"))
        env["LD_LIBRARY_PATH"] = os.path.join(work, "stubs")
    script = os.path.join(work, "dump.py")
    open(script, "w").write(DUMP)
    subprocess.run([sys.executable, script, os.path.abspath(out)], env=env, cwd=work, check=True)


def dtype(t):
    m = re.fullmatch(r"(?:seq\(|optional\()*tensor\((\w+)\)\)*", t)
    if not m:
        return None  # map(...), sparse_tensor(...)
    name = ORT_NAMES.get(m.group(1), m.group(1))
    return name if name in ORDER else None


def entry(path, ep, since):
    data = json.load(open(path))
    table = collections.defaultdict(list)
    for k in data["kernels"]:
        if k["ep"] == ep:
            table[(k["domain"] or "ai.onnx", k["op"])].append(k)
    ops, contrib = {}, collections.defaultdict(list)
    for (domain, op), ks in table.items():
        if domain in ("com.microsoft.nchwc", "com.ms.internal.nhwc") or op in ("MemcpyFromHost", "MemcpyToHost"):
            continue  # internal layout and copy kernels
        if domain != "ai.onnx":
            contrib[domain].append(op)
            continue
        types = {dtype(t) for k in ks for v in k["tc"].values() for t in v} - {None}
        row = ["since_opset: %d" % min(k["range"][0] for k in ks)]
        last = max(k["range"][1] for k in ks)
        if last < 10000:
            row.append("until_opset: %d" % last)
        row.append("dtypes: [%s]" % ", ".join(t for t in ORDER if t in types))
        ops[op] = row
    wheel = "onnxruntime-gpu" if ep != "CPUExecutionProvider" else "onnxruntime"
    print('      - since: "%s"' % since)
    print('        source: "registered kernels of the %s %s wheel (onnxruntime.capi get_all_opkernel_def(), the data'
          ' microsoft/onnxruntime docs/OperatorKernels.md is generated from), %s"' % (wheel, data["version"], ep))
    print("        confidence: src")
    print("        ops:")
    for op in sorted(ops, key=str.lower):
        print("          %s: { %s }" % (op, ", ".join(ops[op])))
    print("        contrib_ops:")
    for domain in sorted(contrib, key=lambda d: (d != "com.microsoft", d)):
        print("          %s: [%s]" % (domain, ", ".join(sorted(contrib[domain], key=str.lower))))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "dump":
        dump(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "entry":
        entry(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
