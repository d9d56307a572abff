using Relax.Audio;

namespace Relax.Runs.Tests;

public class RecordingClipReaderTests
{
    private static readonly string[] Classes = ["dog", "cat", "bird"];

    [Fact]
    public void Each_example_of_a_recording_is_a_clip_named_after_the_file_labelled_from_its_path_with_its_waveform()
    {
        InTempFolder(root =>
        {
            var file = Tone(root, 2.5, "cats", "tabby 1.wav"); // 2.5 s: two whole 0.96 s examples
            var recording = Assert.Single(new RecordingClipReader(Classes).Read([file]));
            Assert.Null(recording.Skipped);
            Assert.Equal(["tabby_1-e000", "tabby_1-e001"], recording.Items.Select(i => i.Id));
            var examples = new VGGishFrontEnd().FromFile(file);
            for (int k = 0; k < 2; k++)
            {
                var item = recording.Items[k];
                Assert.Equal(1, item.Label); // "cats" names class 1
                Assert.Equal(examples.ExampleMatrix(k), item.Input);
                Assert.Equal(examples.ExampleWaveform(k), item.Waveform);
            }
        });
    }

    [Fact]
    public void Ids_stay_unique_across_folders_clips_per_recording_are_capped_and_unlabelled_without_class_names()
    {
        InTempFolder(root =>
        {
            var files = new[] { Tone(root, 3, "a", "clip.wav"), Tone(root, 3, "b", "clip.wav"), Tone(root, 3, "c", "CLIP.wav") };
            var read = new RecordingClipReader(maxClipsPerRecording: 1).Read(files).ToList();
            Assert.Equal(["clip-e000", "clip-2-e000", "CLIP-3-e000"], read.SelectMany(r => r.Items).Select(i => i.Id));
            Assert.All(read.SelectMany(r => r.Items), i => Assert.Null(i.Label));
            // A second enumeration starts the names afresh.
            Assert.Equal("clip-e000", new RecordingClipReader().Read(files.Take(1)).Single().Items[0].Id);
        });
    }

    [Fact]
    public void Short_unreadable_and_missing_recordings_are_reported_one_line_each_and_the_rest_still_read()
    {
        InTempFolder(root =>
        {
            var shortOne = Tone(root, 0.5, "short.wav");
            var garbage = Path.Combine(root, "garbage.wav");
            File.WriteAllText(garbage, "not a wave file at all");
            var missing = Path.Combine(root, "missing.wav");
            var good = Tone(root, 1, "good.wav");
            var read = new RecordingClipReader().Read([shortOne, garbage, missing, root, good]).ToList();

            Assert.True(read[0].TooShort);
            Assert.Empty(read[0].Items);
            Assert.Contains(shortOne, read[0].Skipped, StringComparison.Ordinal);
            Assert.False(read[1].TooShort);
            Assert.StartsWith(garbage, read[1].Skipped, StringComparison.Ordinal);
            Assert.Equal($"{missing}: no such file.", read[2].Skipped);
            Assert.Equal($"{root}: is a directory; expected a WAV file.", read[3].Skipped);
            Assert.All(read.Take(4), r => Assert.DoesNotContain('\n', r.Skipped!));
            Assert.Null(read[4].Skipped);
            Assert.Single(read[4].Items);

            // Padding (a front-end setting) turns the short one into a clip.
            var padded = new RecordingClipReader(frontEnd: new VGGishFrontEndOptions { PadFinalExample = true }).Read([shortOne]).Single();
            Assert.Null(padded.Skipped);
            Assert.Single(padded.Items);
        });
    }

    [Fact]
    public void A_cap_below_one_clip_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecordingClipReader(maxClipsPerRecording: 0));

    private static string Tone(string root, double seconds, params string[] parts)
    {
        var path = Path.Combine([root, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var samples = new float[(int)(seconds * 16_000)];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.3f * MathF.Sin(2 * MathF.PI * 440 * i / 16_000f);
        }
        WavWriter.WritePcm16(path, samples, 16_000);
        return path;
    }

    private static void InTempFolder(Action<string> test)
    {
        var root = Directory.CreateTempSubdirectory("relax-recordings-").FullName;
        try
        {
            test(root);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
