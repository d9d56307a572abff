// Relax for .NET — sample 03: RELAX per class with time, frequency and time-frequency masks; reproducibility,
// distinctiveness, and ground-truth localisation on generated clips whose evidence regions are known.
//
//   dotnet run --project samples/03-StructuredMasks -c Release -- [--data DIR] [--weights FILE] [--per-class K]
//       [--count N] [--batch B] [--seed S] [--out DIR]
//
// See StructuredMasksSample.Run for the steps.
using Relax.Samples;

return Notebook.Main(args, StructuredMasksSample.Defaults, StructuredMasksSample.Run);
