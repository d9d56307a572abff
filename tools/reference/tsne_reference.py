"""Reference figures for Relax's exact t-SNE (tests/Relax.Evaluation.Tests/TSneTests.cs), from scikit-learn.

Run once (Debian 12: apt-get install python3-sklearn) from the repository root:
    /usr/bin/python3 tools/reference/tsne_reference.py
Writes tests/Relax.Evaluation.Tests/Fixtures/tsne_input.npy (the fixed input: 180 points in 12-D, three Gaussian
clusters of unequal spread plus a ring-shaped fourth group) and tsne_reference.json: scikit-learn's exact t-SNE
(perplexity 30, PCA init, learning rate 'auto', 1000 iterations) on it, with the trustworthiness of its map at
k = 5 and 10, the fraction of each point's 10 nearest neighbours it keeps, and its final KL divergence. The test
does not compare coordinates (t-SNE maps differ by rotation, reflection and local minima) but these scores.
"""
import json

import numpy as np
import sklearn
from sklearn.manifold import TSNE, trustworthiness
from sklearn.neighbors import NearestNeighbors

rng = np.random.default_rng(7)
parts = []
for centre, spread, n in [(0.0, 1.0, 50), (6.0, 0.5, 40), (-6.0, 2.0, 50)]:
    c = np.zeros(12)
    c[0] = centre
    c[1] = centre / 2
    parts.append(c + spread * rng.standard_normal((n, 12)))
angle = rng.uniform(0, 2 * np.pi, 40)
ring = np.zeros((40, 12))
ring[:, 2] = 8 * np.cos(angle)
ring[:, 3] = 8 * np.sin(angle)
ring += 0.3 * rng.standard_normal((40, 12))
parts.append(ring)
x = np.concatenate(parts).astype(np.float32)


def kept_neighbours(a, b, k=10):
    ia = NearestNeighbors(n_neighbors=k + 1).fit(a).kneighbors(a, return_distance=False)[:, 1:]
    ib = NearestNeighbors(n_neighbors=k + 1).fit(b).kneighbors(b, return_distance=False)[:, 1:]
    return float(np.mean([len(set(p) & set(q)) / k for p, q in zip(ia, ib)]))


tsne = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", method="exact", random_state=0)
y = tsne.fit_transform(x.astype(np.float64))
reference = {
    "sklearn": sklearn.__version__,
    "points": int(x.shape[0]),
    "trustworthiness_5": float(trustworthiness(x, y, n_neighbors=5)),
    "trustworthiness_10": float(trustworthiness(x, y, n_neighbors=10)),
    "kept_neighbours_10": kept_neighbours(x, y),
    "kl_divergence": float(tsne.kl_divergence_),
    # The metrics themselves, on a map that is not t-SNE's (the first two input coordinates).
    "projection_trustworthiness_5": float(trustworthiness(x, x[:, :2], n_neighbors=5)),
    "projection_kept_neighbours_10": kept_neighbours(x, x[:, :2]),
}
np.save("tests/Relax.Evaluation.Tests/Fixtures/tsne_input.npy", x)
with open("tests/Relax.Evaluation.Tests/Fixtures/tsne_reference.json", "w") as f:
    json.dump(reference, f, indent=2)
print(reference)
