#!/usr/bin/env python3
"""How closely exact arithmetic agrees with llama.cpp: a float64 numpy forward pass (weights dequantized with
gguf-py, no activation quantization, exact attention) over the eight 128-token sequences of
Tests/Golden/logits/<model>.json, scored like the Swift fidelity test. The result is stored in that file as
"exact_reference"; the test requires our int8 engine to agree with llama.cpp at least about as well.

Usage: ~/.cache/swiftlam/venv/bin/python scripts/golden/logits_exact.py MODEL.gguf Tests/Golden/logits/NAME.json
(run after scripts/golden/logits.py; minutes per model on two cores).
"""
import json
import sys

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize
path=sys.argv[1]; golden=sys.argv[2]; nseq=8
r=GGUFReader(path); T={t.name:t for t in r.tensors}
cache={}
def W(name):
    if name in cache: return cache[name]
    t=T[name]; a=dequantize(t.data, t.tensor_type).astype(np.float32)
    a=a.reshape([int(x) for x in reversed(t.shape)]) if len(t.shape)>1 else a.reshape(-1)
    cache[name]=a; return a
f=lambda k: r.fields[k].parts[-1][0]
arch=bytes(r.fields['general.architecture'].parts[-1]).decode()
eps=float(f(f'{arch}.attention.layer_norm_rms_epsilon')); L=int(f(f'{arch}.block_count'))
nh=int(f(f'{arch}.attention.head_count')); nkv=int(f(f'{arch}.attention.head_count_kv')); base=float(f(f'{arch}.rope.freq_base'))
neox = arch=='qwen2'
g=json.load(open(golden))
def rms(x,w): return x/np.sqrt((x*x).mean(-1,keepdims=True)+eps)*w
def rope(x,pos):  # x: n, heads, hd
    hd=x.shape[-1]; inv=base**(-np.arange(0,hd,2)/hd); ang=pos[:,None]*inv[None,:]; c=np.cos(ang)[:,None,:]; s=np.sin(ang)[:,None,:]
    if neox: a,b=x[...,:hd//2],x[...,hd//2:]
    else: a,b=x[...,0::2],x[...,1::2]
    ra=a*c-b*s; rb=a*s+b*c
    out=np.empty_like(x)
    if neox: out[...,:hd//2]=ra; out[...,hd//2:]=rb
    else: out[...,0::2]=ra; out[...,1::2]=rb
    return out
tot=0; match=0; conf=0; maxd=0
for seq in g['sequences'][:nseq]:
    toks=np.array(seq['tokens']); n=len(toks); pos=np.arange(n,dtype=np.float64)
    x=W('token_embd.weight')[toks].astype(np.float64)
    for l in range(L):
        p=f'blk.{l}.'
        h=rms(x,W(p+'attn_norm.weight'))
        q=h@W(p+'attn_q.weight').T; k=h@W(p+'attn_k.weight').T; v=h@W(p+'attn_v.weight').T
        if p+'attn_q.bias' in T: q+=W(p+'attn_q.bias'); k+=W(p+'attn_k.bias'); v+=W(p+'attn_v.bias')
        hd=q.shape[1]//nh
        q=rope(q.reshape(n,nh,hd),pos); k=rope(k.reshape(n,nkv,hd),pos); v=v.reshape(n,nkv,hd)
        rep=nh//nkv; k=np.repeat(k,rep,axis=1); v=np.repeat(v,rep,axis=1)
        s=np.einsum('qhd,khd->hqk',q,k)/np.sqrt(hd); s+=np.triu(np.full((n,n),-np.inf),1)[None]
        s=np.exp(s-s.max(-1,keepdims=True)); s/=s.sum(-1,keepdims=True)
        o=np.einsum('hqk,khd->qhd',s,v).reshape(n,nh*hd)
        x=x+o@W(p+'attn_output.weight').T
        h=rms(x,W(p+'ffn_norm.weight'))
        gt=h@W(p+'ffn_gate.weight').T; up=h@W(p+'ffn_up.weight').T
        x=x+(gt/(1+np.exp(-gt))*up)@W(p+'ffn_down.weight').T
    out=W('output.weight') if 'output.weight' in T else W('token_embd.weight')
    logits=rms(x,W('output_norm.weight'))@out.T
    am=logits.argmax(1)
    for i in range(n):
        tot+=1; match+= am[i]==seq['argmax'][i]
        if am[i]!=seq['argmax'][i] and seq['margin'][i]>0.1: conf+=1
        maxd=max(maxd, max(abs(logits[i][j]-v) for j,v in zip(seq['top_ids'][i],seq['top_logits'][i])))
g["exact_reference"] = {"positions": tot, "argmax_agreement": round(match / tot, 4), "confident_mismatches": conf,
                        "max_top8_difference": round(float(maxd), 4)}
with open(golden, "w") as out:
    json.dump(g, out, separators=(",", ":"))
print(f"exact fp64 forward vs llama.cpp: {match}/{tot} argmax, {conf} confident mismatches, max top-8 diff {maxd:.3f}")
