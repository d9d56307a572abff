// Relax for .NET — sample 02: RELAX per class with random-grid masks, and whether the study's "same map for every
// clip" comes from the masks or from the estimator.
//
//   dotnet run --project samples/02-RandomMasks -c Release -- [--data DIR] [--weights FILE] [--per-class K] [--count N]
//       [--batch B] [--seed S] [--out DIR]
//
// Model: the shipped default model, or Google's VGGish with --weights (or installed weights). Clips: generated dog /
// cat / bird sounds, or the first 0.96 s of recordings with --data DIR. See RandomMasksSample.Run for the steps.
using Relax.Samples;

return Notebook.Main(args, RandomMasksSample.Defaults, RandomMasksSample.Run);
