namespace Relax.Runs.Tests;

public class ClassLabelsTests
{
    private static readonly string[] Classes = ["dog", "cat", "bird"];

    [Theory]
    [InlineData("/data/x/synthetic-bird.wav", 2)]    // a word of the file's name
    [InlineData("/data/dogs/clip1.wav", 0)]          // else the nearest folder, plural allowed
    [InlineData("/data/cats/dog_barks.wav", 0)]      // the file's name wins over its folder
    [InlineData("/data/Bird/CLIP.wav", 2)]           // case-insensitive
    [InlineData("/data/birdsong/clip.wav", null)]    // whole words only
    [InlineData("/data/x/clip.wav", null)]
    public void A_label_comes_from_the_file_name_then_the_nearest_folder_that_names_a_class(string path, int? expected) =>
        Assert.Equal(expected, ClassLabels.FromPath(path, Classes));
}
