namespace Relax.Synthetic;

/// <summary>The three classes of the study's task (dog, cat, bird), here as procedurally generated sounds.</summary>
public enum AnimalClass
{
    /// <summary>Short broadband bursts with low formants.</summary>
    Dog = 0,

    /// <summary>Slow harmonic glides.</summary>
    Cat = 1,

    /// <summary>Fast frequency-modulated chirps high in the spectrum.</summary>
    Bird = 2,
}
