"""Why Moran spectral randomization is liberal on very smooth volumes (bench/README.md).

The sign flips of a map's coefficients on the Moran eigenvectors (MEMs) are an exact null only if
the map's covariance is diagonal in the MEM basis. For the stationary smooth random volumes of
bench/spin (10x10x10 voxels of 4 mm, Gaussian FWHM; covariance exp(-d^2/(4 sigma^2)), centred)
and the 26-neighbour 1/d graph's MEMs, this prints the covariance's share off the diagonal in the
MEM basis and the ratio of the true variance of r between two independent maps to the variance
the MSR null gives on average (tr(C^2) / sum C_jj^2), and the maps' effective degrees of freedom.

usage: /usr/bin/python3 bench/spin/moran_basis.py
"""
import numpy as np
s=10; g=np.array([(i,j,k) for k in range(s) for j in range(s) for i in range(s)],float)*4
d=np.sqrt(((g[:,None]-g[None])**2).sum(-1))
w=np.where((d>0)&(d<=1.01*4*np.sqrt(3)),1/np.where(d>0,d,1),0)
m=w.mean(0,keepdims=True); ac=w.mean()-m-m.T+w
ev,v=np.linalg.eigh(ac); v=v[:,np.abs(ev)>=1e-6]
n=len(g); H=np.eye(n)-1/n
for fwhm in (8,12):
    sig=fwhm/(2*np.sqrt(2*np.log(2)))
    S=np.exp(-d**2/(4*sig**2)); S=H@S@H
    C=v.T@S@v
    full=np.trace(C@C); diag=(np.diag(C)**2).sum()
    # effective number of components
    lam=np.linalg.eigvalsh(S); neff=lam.sum()**2/(lam**2).sum()
    print(f"FWHM {fwhm}: var(r) true/MSR-null ~ {full/diag:.3f}; off-diagonal share of C energy {1-diag/full:.3f}; effective dof {neff:.1f}")
