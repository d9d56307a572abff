// Relax for .NET — sample 01: embed dog / cat / bird clips and classify them from their embeddings.
//
//   dotnet run --project samples/01-EmbedAndClassify -c Release -- [--data DIR | --synthetic] [--weights FILE]
//       [--per-class K] [--test T] [--epochs E] [--examples-per-clip X] [--seed S] [--out DIR]
//
// Data: --data DIR (dog/, cat/, bird/ of WAV files), else ../shared/data/animal-sounds beside the checkout, else
// generated clips. Model: Google's VGGish when its weights are given or installed, else the compact VGGish-pattern
// network trained here on the training split only. See EmbedAndClassifySample.Run for the steps.
using Relax.Samples;

return Notebook.Main(args, EmbedAndClassifySample.Defaults, EmbedAndClassifySample.Run);
