"""Why Moran spectral randomization on the 1/d neighbour graph is liberal on very smooth volumes,
and why the smoothness kernel's weights are not (bench/README.md).

The sign flips of a map's coefficients on the Moran eigenvectors (MEMs) are an exact null only if
the map's covariance is diagonal in the MEM basis. For the stationary smooth random volumes of
bench/spin (10x10x10 voxels of 4 mm, Gaussian FWHM; covariance exp(-d^2/(4 sigma^2)), centred)
this prints, for the MEMs of the 26-neighbour 1/d graph (nulls.MoranNeighbourGraph) and of the
Gaussian weights at the true FWHM and 10% and 20% off it (nulls' volumetric moran,
stats.GaussianWeights: 0 on the diagonal), the covariance's share off the diagonal in the MEM
basis and the ratio of the true variance of r between two independent maps to the variance the
MSR null gives on average (tr(C^2) / sum C_jj^2), and the maps' effective degrees of freedom.

usage: /usr/bin/python3 bench/spin/moran_basis.py
"""
import numpy as np
s=10; g=np.array([(i,j,k) for k in range(s) for j in range(s) for i in range(s)],float)*4
d=np.sqrt(((g[:,None]-g[None])**2).sum(-1))
n=len(g); H=np.eye(n)-1/n

def mems(w):
    m=w.mean(0,keepdims=True); ac=w.mean()-m-m.T+w
    ev,v=np.linalg.eigh(ac); return v[:,np.abs(ev)>=1e-6]

def gaussian(fwhm):
    sig=fwhm/(2*np.sqrt(2*np.log(2)))
    w=np.exp(-d**2/(4*sig**2)); np.fill_diagonal(w,0); return w

graph=mems(np.where((d>0)&(d<=1.01*4*np.sqrt(3)),1/np.where(d>0,d,1),0))
for fwhm in (8,12):
    sig=fwhm/(2*np.sqrt(2*np.log(2)))
    S=np.exp(-d**2/(4*sig**2)); S=H@S@H
    lam=np.linalg.eigvalsh(S); neff=lam.sum()**2/(lam**2).sum()
    print(f"FWHM {fwhm} mm (effective dof {neff:.1f}):")
    for name,v in [("1/d 26-neighbour graph",graph)]+[(f"Gaussian weights, FWHM {fwhm*f:.1f} mm",mems(gaussian(fwhm*f))) for f in (1,0.9,1.1,0.8,1.2)]:
        C=v.T@S@v
        full=np.trace(C@C); diag=(np.diag(C)**2).sum()
        print(f"  {name:32s} var(r) true/MSR-null ~ {full/diag:.4f}; off-diagonal share of C energy {1-diag/full:.4f}")
