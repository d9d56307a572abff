"""Reference figures for Relax's Barnes-Hut t-SNE (tests/Relax.Evaluation.Tests/BarnesHutTSneTests.cs), from scikit-learn.

Run once (Debian 12: apt-get install python3-sklearn) from the repository root:
    /usr/bin/python3 tools/reference/tsne_bh_reference.py
Writes tests/Relax.Evaluation.Tests/Fixtures/tsne_bh_input.npy (the fixed input: 1,500 points in 16-D, five Gaussian
clusters of unequal size and spread, plus a ring-shaped sixth group) and tsne_bh_reference.json: scikit-learn's
Barnes-Hut t-SNE (perplexity 30, angle 0.5, PCA init, learning rate 'auto', 1000 iterations) on it, with the
trustworthiness of its map at k = 5 and 10, the fraction of each point's 10 nearest neighbours it keeps, and its final
KL divergence. As for the exact method, the test compares these scores, not coordinates.
"""
import json

import numpy as np
import sklearn
from sklearn.manifold import TSNE, trustworthiness
from sklearn.neighbors import NearestNeighbors

rng = np.random.default_rng(11)
parts = []
for k, (spread, n) in enumerate([(1.0, 400), (0.5, 300), (2.0, 300), (0.8, 150), (1.5, 150)]):
    centre = np.zeros(16)
    centre[k % 16] = 7.0
    centre[(k + 5) % 16] = -4.0 + 2 * k
    parts.append(centre + spread * rng.standard_normal((n, 16)))
angle = rng.uniform(0, 2 * np.pi, 200)
ring = np.zeros((200, 16))
ring[:, 10] = 9 * np.cos(angle)
ring[:, 11] = 9 * np.sin(angle)
ring += 0.3 * rng.standard_normal((200, 16))
parts.append(ring)
x = np.concatenate(parts).astype(np.float32)


def kept_neighbours(a, b, k=10):
    ia = NearestNeighbors(n_neighbors=k + 1).fit(a).kneighbors(a, return_distance=False)[:, 1:]
    ib = NearestNeighbors(n_neighbors=k + 1).fit(b).kneighbors(b, return_distance=False)[:, 1:]
    return float(np.mean([len(set(p) & set(q)) / k for p, q in zip(ia, ib)]))


tsne = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", method="barnes_hut", angle=0.5, random_state=0)
y = tsne.fit_transform(x.astype(np.float64))
reference = {
    "sklearn": sklearn.__version__,
    "points": int(x.shape[0]),
    "trustworthiness_5": float(trustworthiness(x, y, n_neighbors=5)),
    "trustworthiness_10": float(trustworthiness(x, y, n_neighbors=10)),
    "kept_neighbours_10": kept_neighbours(x, y),
    "kl_divergence": float(tsne.kl_divergence_),
    "iterations": int(tsne.n_iter_),
}
np.save("tests/Relax.Evaluation.Tests/Fixtures/tsne_bh_input.npy", x)
with open("tests/Relax.Evaluation.Tests/Fixtures/tsne_bh_reference.json", "w") as f:
    json.dump(reference, f, indent=2)
print(reference)
