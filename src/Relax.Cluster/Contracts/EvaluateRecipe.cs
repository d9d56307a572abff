namespace Relax.Cluster;

/// <summary>A dataset evaluation's settings: the explainers by name with what they need, the flipping curves, the
/// replacements and the audio scores; <c>Fingerprint</c> is the client's <c>DatasetEvaluator.Fingerprint</c>, which a
/// worker's rebuilt evaluator must reproduce; <c>SettingNames</c>/<c>SettingValues</c> are the host's settings
/// (<c>DatasetEvaluationOptions.Settings</c>, a <c>RunSettings</c> record); <c>Cells</c>, for a waveform model, the STFT
/// every clip is explained over (sample rate, window, hop, FFT size).</summary>
[GenerateSerializer, Immutable]
internal sealed record EvaluateRecipe(
    [property: Id(0)] string[] Explainers,
    [property: Id(1)] ExplainRecipe Relax,
    [property: Id(2)] long RelaxSeed,
    [property: Id(3)] int[] Occlusion,
    [property: Id(4)] int IntegratedGradientsSteps,
    [property: Id(5)] string[] Replacements,
    [property: Id(6)] bool OtherInput,
    [property: Id(7)] double Step,
    [property: Id(8)] int FlipBatch,
    [property: Id(9)] long FlipSeed,
    [property: Id(10)] AudioRecipe? Audio,
    [property: Id(11)] string[]? ClassNames,
    [property: Id(12)] string[] SettingNames,
    [property: Id(13)] string Fingerprint,
    [property: Id(14)] bool Classifier,
    [property: Id(15)] string[] SettingValues,
    [property: Id(16)] int[]? Cells = null) : UnitRecipe;
